using System.Buffers.Binary;
using System.IO.Compression;

namespace DhtRpc.Simulation.Reporting;

/// <summary>
/// A small RGB raster with lines, dots, rectangles and a 3×5 pixel font (digits, '.', '-', 'k', 'M', '%'),
/// written as an 8-bit truecolour PNG (filter 0 on every row, one zlib IDAT chunk).
/// </summary>
public sealed class PngImage
{
    public static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // Rows of 3 bits, top to bottom; bit 2 is the left column.
    private static readonly Dictionary<char, byte[]> Font = new()
    {
        ['0'] = [7, 5, 5, 5, 7],
        ['1'] = [2, 6, 2, 2, 7],
        ['2'] = [7, 1, 7, 4, 7],
        ['3'] = [7, 1, 7, 1, 7],
        ['4'] = [5, 5, 7, 1, 1],
        ['5'] = [7, 4, 7, 1, 7],
        ['6'] = [7, 4, 7, 5, 7],
        ['7'] = [7, 1, 1, 2, 2],
        ['8'] = [7, 5, 7, 5, 7],
        ['9'] = [7, 5, 7, 1, 7],
        ['.'] = [0, 0, 0, 0, 2],
        ['-'] = [0, 0, 7, 0, 0],
        ['k'] = [4, 5, 6, 5, 5],
        ['M'] = [5, 7, 7, 5, 5],
        ['%'] = [5, 1, 2, 4, 5],
        [' '] = [0, 0, 0, 0, 0],
    };

    private readonly byte[] _pixels;

    public PngImage(int width, int height, (byte R, byte G, byte B) background = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        _pixels = new byte[width * height * 3];
        FillRect(0, 0, width, height, background);
    }

    public int Width { get; }

    public int Height { get; }

    public (byte R, byte G, byte B) GetPixel(int x, int y)
    {
        var i = ((y * Width) + x) * 3;
        return (_pixels[i], _pixels[i + 1], _pixels[i + 2]);
    }

    /// <summary>Sets a pixel; coordinates outside the image are ignored.</summary>
    public void SetPixel(int x, int y, (byte R, byte G, byte B) color)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
        {
            return;
        }

        var i = ((y * Width) + x) * 3;
        _pixels[i] = color.R;
        _pixels[i + 1] = color.G;
        _pixels[i + 2] = color.B;
    }

    public void FillRect(int x, int y, int width, int height, (byte R, byte G, byte B) color)
    {
        for (var yy = y; yy < y + height; yy++)
        {
            for (var xx = x; xx < x + width; xx++)
            {
                SetPixel(xx, yy, color);
            }
        }
    }

    /// <summary>Bresenham line, <paramref name="thickness"/> pixels wide (square pen).</summary>
    public void DrawLine(int x0, int y0, int x1, int y1, (byte R, byte G, byte B) color, int thickness = 1)
    {
        int dx = Math.Abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
        int dy = -Math.Abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
        var err = dx + dy;
        var half = thickness / 2;
        while (true)
        {
            FillRect(x0 - half, y0 - half, thickness, thickness, color);
            if (x0 == x1 && y0 == y1)
            {
                return;
            }

            var e2 = 2 * err;
            if (e2 >= dy)
            {
                err += dy;
                x0 += sx;
            }

            if (e2 <= dx)
            {
                err += dx;
                y0 += sy;
            }
        }
    }

    /// <summary>Dashed line: <paramref name="dash"/> pixels on, as many off.</summary>
    public void DrawDashedLine(int x0, int y0, int x1, int y1, (byte R, byte G, byte B) color, int dash = 4)
    {
        var length = Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0));
        for (var i = 0; i <= length; i++)
        {
            if ((i / dash) % 2 == 0)
            {
                var t = length == 0 ? 0 : (double)i / length;
                SetPixel((int)Math.Round(x0 + ((x1 - x0) * t)), (int)Math.Round(y0 + ((y1 - y0) * t)), color);
            }
        }
    }

    /// <summary>A filled disc of <paramref name="radius"/>.</summary>
    public void DrawDot(int cx, int cy, int radius, (byte R, byte G, byte B) color)
    {
        for (var y = -radius; y <= radius; y++)
        {
            for (var x = -radius; x <= radius; x++)
            {
                if ((x * x) + (y * y) <= radius * radius)
                {
                    SetPixel(cx + x, cy + y, color);
                }
            }
        }
    }

    /// <summary>Draws text in the built-in 3×5 font, each font pixel <paramref name="scale"/> pixels; unknown characters are blank.</summary>
    public void DrawText(int x, int y, string text, (byte R, byte G, byte B) color, int scale = 2)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            if (Font.TryGetValue(c, out var rows))
            {
                for (var row = 0; row < 5; row++)
                {
                    for (var col = 0; col < 3; col++)
                    {
                        if ((rows[row] & (4 >> col)) != 0)
                        {
                            FillRect(x + (col * scale), y + (row * scale), scale, scale, color);
                        }
                    }
                }
            }

            x += 4 * scale;
        }
    }

    /// <summary>Width in pixels of <paramref name="text"/> drawn at <paramref name="scale"/>.</summary>
    public static int TextWidth(string text, int scale = 2) => text is null || text.Length == 0 ? 0 : ((text.Length * 4) - 1) * scale;

    public byte[] ToPng()
    {
        using var stream = new MemoryStream();
        WritePng(stream);
        return stream.ToArray();
    }

    public void WritePng(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)Width);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)Height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: truecolour
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering (filter type per row)
        header[12] = 0; // no interlace
        WriteChunk(output, "IHDR"u8, header);

        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                var stride = Width * 3;
                for (var y = 0; y < Height; y++)
                {
                    zlib.WriteByte(0); // filter: none
                    zlib.Write(_pixels, y * stride, stride);
                }
            }

            WriteChunk(output, "IDAT"u8, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        }

        WriteChunk(output, "IEND"u8, []);
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        var crc = Crc32.Finish(Crc32.Update(Crc32.Update(Crc32.Start, type), data));
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }
}
