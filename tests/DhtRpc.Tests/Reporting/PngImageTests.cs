using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using DhtRpc.Simulation.Reporting;
using Xunit;

namespace DhtRpc.Tests.Reporting;

public sealed class PngImageTests
{
    [Fact]
    public void Crc32_matches_the_standard_check_value() =>
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));

    [Fact]
    public void Png_has_the_signature_valid_chunk_crcs_and_decompressible_rows()
    {
        var image = new PngImage(7, 5, (255, 255, 255));
        image.SetPixel(3, 2, (10, 20, 30));
        image.DrawLine(0, 0, 6, 4, (1, 2, 3));
        var png = image.ToPng();

        Assert.Equal(PngImage.Signature, png[..8]);
        var chunks = ReadChunks(png.AsSpan(8).ToArray());
        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));

        var ihdr = chunks[0];
        Assert.Equal(13, ihdr.Data.Length);
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32BigEndian(ihdr.Data));
        Assert.Equal(5u, BinaryPrimitives.ReadUInt32BigEndian(ihdr.Data.AsSpan(4)));
        Assert.Equal(8, ihdr.Data[8]);
        Assert.Equal(2, ihdr.Data[9]);

        foreach (var chunk in chunks)
        {
            var typed = Encoding.ASCII.GetBytes(chunk.Type).Concat(chunk.Data).ToArray();
            Assert.Equal(Crc32.Compute(typed), chunk.Crc);
        }

        using var zlib = new ZLibStream(new MemoryStream(chunks[1].Data), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        var rows = raw.ToArray();
        Assert.Equal(5 * (1 + (7 * 3)), rows.Length);
        for (var y = 0; y < 5; y++)
        {
            Assert.Equal(0, rows[y * 22]);
        }

        // The decoded rows hold exactly the raster: one drawn pixel and one background pixel.
        var offset = (2 * 22) + 1 + (3 * 3);
        Assert.Equal(image.GetPixel(3, 2), (rows[offset], rows[offset + 1], rows[offset + 2]));
        Assert.Equal((255, 255, 255), ((int)rows[1 + (6 * 3)], (int)rows[2 + (6 * 3)], (int)rows[3 + (6 * 3)]));
    }

    [Fact]
    public void Chart_renders_without_points()
    {
        var png = ScaleChart.Render([]).ToPng();
        Assert.Equal(PngImage.Signature, png[..8]);
    }

    private static List<(string Type, byte[] Data, uint Crc)> ReadChunks(byte[] bytes)
    {
        var chunks = new List<(string, byte[], uint)>();
        var i = 0;
        while (i < bytes.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(i));
            var type = Encoding.ASCII.GetString(bytes, i + 4, 4);
            var data = bytes.AsSpan(i + 8, length).ToArray();
            var crc = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(i + 8 + length));
            chunks.Add((type, data, crc));
            i += 12 + length;
        }

        return chunks;
    }
}
