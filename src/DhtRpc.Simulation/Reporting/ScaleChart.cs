using System.Globalization;

namespace DhtRpc.Simulation.Reporting;

/// <summary>One measured point of a chart: network size, share of nodes gone, mean hops and datagrams per lookup.</summary>
public readonly record struct ChartPoint(int Nodes, double Gone, double Hops, double Datagrams);

/// <summary>
/// Two panels side by side, N on a log axis: left mean hops per lookup (one coloured series per "gone"
/// share, plus the dashed grey expectation log2(N)/log2(2k)), right datagrams per lookup.
/// </summary>
public static class ScaleChart
{
    public const int PanelWidth = 420;
    public const int PanelHeight = 300;

    private const int Margin = 44;
    private static readonly (byte, byte, byte) White = (255, 255, 255);
    private static readonly (byte, byte, byte) Axis = (40, 40, 40);
    private static readonly (byte, byte, byte) Grid = (225, 225, 225);
    private static readonly (byte, byte, byte) Expected = (130, 130, 130);

    /// <summary>Series colours, in order of increasing "gone" share.</summary>
    public static IReadOnlyList<(string Name, (byte R, byte G, byte B) Rgb)> Palette { get; } =
    [
        ("blue", (31, 119, 180)),
        ("orange", (255, 127, 14)),
        ("red", (214, 39, 40)),
        ("green", (44, 160, 44)),
        ("purple", (148, 103, 189)),
        ("brown", (140, 86, 75)),
    ];

    public static PngImage Render(IReadOnlyList<ChartPoint> points, int k = 20)
    {
        ArgumentNullException.ThrowIfNull(points);
        var image = new PngImage(PanelWidth * 2, PanelHeight, White);
        if (points.Count == 0)
        {
            return image;
        }

        var series = points.GroupBy(p => p.Gone).OrderBy(g => g.Key).Select(g => g.OrderBy(p => p.Nodes).ToList()).ToList();
        var minN = points.Min(p => p.Nodes);
        var maxN = points.Max(p => p.Nodes);
        var lo = Math.Floor(Math.Log10(minN));
        var hi = Math.Max(lo + 1, Math.Ceiling(Math.Log10(maxN)));

        var maxHops = Math.Max(points.Max(p => p.Hops), Math.Log2(Math.Pow(10, hi)) / Math.Log2(2.0 * k));
        DrawPanel(image, 0, lo, hi, NiceMax(maxHops), series, p => p.Hops, n => Math.Log2(n) / Math.Log2(2.0 * k));
        DrawPanel(image, PanelWidth, lo, hi, NiceMax(points.Max(p => p.Datagrams)), series, p => p.Datagrams, null);
        return image;
    }

    private static void DrawPanel(
        PngImage image,
        int left,
        double lo,
        double hi,
        double maxY,
        List<List<ChartPoint>> series,
        Func<ChartPoint, double> value,
        Func<double, double>? expectation)
    {
        var x0 = left + Margin;
        var x1 = left + PanelWidth - 12;
        var y0 = PanelHeight - 28;
        var y1 = 12;
        int X(double n) => x0 + (int)Math.Round((Math.Log10(n) - lo) / (hi - lo) * (x1 - x0));
        int Y(double v) => y0 - (int)Math.Round(v / maxY * (y0 - y1));

        // Grid and y labels: five steps.
        for (var i = 0; i <= 5; i++)
        {
            var v = maxY * i / 5;
            var y = Y(v);
            image.DrawLine(x0, y, x1, y, Grid);
            var label = Format(v);
            image.DrawText(x0 - 6 - PngImage.TextWidth(label), y - 5, label, Axis);
        }

        // x ticks at powers of ten.
        for (var e = (int)lo; e <= (int)hi; e++)
        {
            var n = Math.Pow(10, e);
            var x = X(n);
            image.DrawLine(x, y1, x, y0, Grid);
            var label = FormatCount(n);
            image.DrawText(x - (PngImage.TextWidth(label) / 2), y0 + 8, label, Axis);
        }

        image.DrawLine(x0, y0, x1, y0, Axis);
        image.DrawLine(x0, y0, x0, y1, Axis);

        if (expectation is not null)
        {
            var px = x0;
            var py = Y(expectation(Math.Pow(10, lo)));
            for (var x = x0 + 4; x <= x1; x += 4)
            {
                var n = Math.Pow(10, lo + ((double)(x - x0) / (x1 - x0) * (hi - lo)));
                var y = Y(expectation(n));
                image.DrawDashedLine(px, py, x, y, Expected, 2);
                px = x;
                py = y;
            }
        }

        for (var s = 0; s < series.Count; s++)
        {
            var color = Palette[s % Palette.Count].Rgb;
            ChartPoint? previous = null;
            foreach (var p in series[s])
            {
                if (previous is { } q)
                {
                    image.DrawLine(X(q.Nodes), Y(value(q)), X(p.Nodes), Y(value(p)), color, 2);
                }

                image.DrawDot(X(p.Nodes), Y(value(p)), 4, color);
                previous = p;
            }
        }
    }

    private static double NiceMax(double value)
    {
        if (value <= 0 || double.IsNaN(value))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1.0, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= value * 1.05)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string Format(double v) =>
        v >= 1000 ? FormatCount(v) : v.ToString(v == Math.Floor(v) ? "0" : "0.#", CultureInfo.InvariantCulture);

    private static string FormatCount(double n) => n switch
    {
        >= 1_000_000 => (n / 1_000_000).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 1000 => (n / 1000).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ => n.ToString("0", CultureInfo.InvariantCulture),
    };
}
