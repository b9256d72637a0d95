using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using DhtRpc.Cli.Simulate;

namespace DhtRpc.Simulation.Tests.Scale;

public sealed class ScaleChartTests
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly ChartPoint[] Points =
    [
        new(1000, 0, 2.2, 520),
        new(10000, 0, 3.1, 2040),
        new(1000, 0.3, 2.0, 2540),
        new(10000, 0.3, 3.1, 27000),
    ];

    /// <summary>The chunk check below is only as good as its CRC: it must give the standard CRC-32 check value.</summary>
    [Fact]
    public void Crc32_matches_the_standard_check_value() =>
        Assert.Equal(0xCBF43926u, Crc32("123456789"u8));

    [Fact]
    public void Png_has_the_signature_valid_chunk_crcs_and_decompressible_rows()
    {
        var png = ScaleChart.RenderPng(Points, "converged");

        Assert.Equal(Signature, png[..8]);
        var chunks = ReadChunks(png.AsSpan(8).ToArray());
        Assert.Equal("IHDR", chunks[0].Type);
        Assert.Equal("IEND", chunks[^1].Type);
        Assert.Contains(chunks, c => c.Type == "IDAT");

        var ihdr = chunks[0];
        Assert.Equal(13, ihdr.Data.Length);
        var width = (int)BinaryPrimitives.ReadUInt32BigEndian(ihdr.Data);
        var height = (int)BinaryPrimitives.ReadUInt32BigEndian(ihdr.Data.AsSpan(4));
        Assert.Equal(2 * ScaleChart.PanelWidth, width);
        Assert.Equal(ScaleChart.PanelHeight, height);
        Assert.Equal(8, ihdr.Data[8]);
        var channels = ihdr.Data[9] switch
        {
            2 => 3,
            6 => 4,
            var other => throw new InvalidOperationException($"Unexpected PNG colour type {other}."),
        };

        foreach (var chunk in chunks)
        {
            var typed = Encoding.ASCII.GetBytes(chunk.Type).Concat(chunk.Data).ToArray();
            Assert.Equal(Crc32(typed), chunk.Crc);
        }

        var compressed = chunks.Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray();
        using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        var rows = raw.ToArray();
        var stride = 1 + (width * channels);
        Assert.Equal(height * stride, rows.Length);
        for (var y = 0; y < height; y++)
        {
            Assert.InRange(rows[y * stride], 0, 4);
        }
    }

    [Fact]
    public void Chart_renders_without_points()
    {
        var png = ScaleChart.RenderPng([], "converged");
        Assert.Equal(Signature, png[..8]);
    }

    [Fact]
    public void Palette_has_a_distinct_colour_per_series()
    {
        Assert.Equal(ScaleChart.Palette.Count, ScaleChart.Palette.Select(p => p.Color).Distinct().Count());
        Assert.Equal(ScaleChart.Palette.Count, ScaleChart.Palette.Select(p => p.Name).Distinct().Count());
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
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
