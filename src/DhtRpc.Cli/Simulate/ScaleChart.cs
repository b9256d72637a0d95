using System.Globalization;
using ScottPlot;

namespace DhtRpc.Cli.Simulate;

/// <summary>One measured point of a chart: network size, share of nodes gone, mean hops and datagrams per lookup.</summary>
internal readonly record struct ChartPoint(int Nodes, double Gone, double Hops, double Datagrams);

/// <summary>
/// Two panels side by side, N on a log axis: left mean hops per lookup (one coloured series per "gone"
/// share, plus the dashed grey expectation log2(N)/log2(2k)), right datagrams per lookup.
/// </summary>
internal static class ScaleChart
{
    public const int PanelWidth = 640;
    public const int PanelHeight = 480;

    private static readonly Color Expected = new(130, 130, 130);

    /// <summary>Series colours, in order of increasing "gone" share.</summary>
    public static IReadOnlyList<(string Name, Color Color)> Palette { get; } =
    [
        ("blue", new Color(31, 119, 180)),
        ("orange", new Color(255, 127, 14)),
        ("red", new Color(214, 39, 40)),
        ("green", new Color(44, 160, 44)),
        ("purple", new Color(148, 103, 189)),
        ("brown", new Color(140, 86, 75)),
    ];

    /// <summary>The chart as a PNG file of two <see cref="PanelWidth"/> by <see cref="PanelHeight"/> panels.</summary>
    /// <param name="points">The measured points, one per network size and share of nodes gone.</param>
    /// <param name="tables">Routing-table mode of the runs shown (converged or joined), named in the titles.</param>
    /// <param name="k">The bucket size the runs used, for the expected-hops curve.</param>
    public static byte[] RenderPng(IReadOnlyList<ChartPoint> points, string tables, int k = 20)
    {
        ArgumentNullException.ThrowIfNull(points);
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var hops = multiplot.GetPlot(0);
        var datagrams = multiplot.GetPlot(1);

        var series = points.GroupBy(p => p.Gone).OrderBy(g => g.Key).Select(g => g.OrderBy(p => p.Nodes).ToList()).ToList();
        var (lo, hi) = points.Count == 0
            ? (2.0, 4.0)
            : (Math.Floor(Math.Log10(points.Min(p => p.Nodes))), Math.Max(Math.Floor(Math.Log10(points.Min(p => p.Nodes))) + 1, Math.Ceiling(Math.Log10(points.Max(p => p.Nodes)))));

        Style(hops, FormattableString.Invariant($"Mean hops per lookup ({tables} tables)"), "Mean hops", lo, hi);
        Style(datagrams, FormattableString.Invariant($"Datagrams per lookup ({tables} tables)"), "Datagrams per lookup", lo, hi);

        // The expectation, sampled finely enough on the log axis to look smooth.
        var steps = 64;
        var xs = new double[steps + 1];
        var ys = new double[steps + 1];
        for (var i = 0; i <= steps; i++)
        {
            xs[i] = lo + ((hi - lo) * i / steps);
            ys[i] = Math.Log2(Math.Pow(10, xs[i])) / Math.Log2(2.0 * k);
        }

        var expected = hops.Add.ScatterLine(xs, ys, Expected);
        expected.LineWidth = 2;
        expected.LinePattern = LinePattern.Dashed;
        expected.LegendText = FormattableString.Invariant($"expected log2(N)/log2(2k), k = {k}");

        for (var s = 0; s < series.Count; s++)
        {
            var color = Palette[s % Palette.Count].Color;
            var label = FormattableString.Invariant($"{series[s][0].Gone * 100:0.#}% gone");
            var logN = series[s].Select(p => Math.Log10(p.Nodes)).ToArray();
            AddSeries(hops, logN, series[s].Select(p => p.Hops).ToArray(), color, label);
            AddSeries(datagrams, logN, series[s].Select(p => p.Datagrams).ToArray(), color, label);
        }

        var maxHops = Math.Max(points.Count == 0 ? 0 : points.Max(p => p.Hops), ys.Max());
        hops.Axes.SetLimits(lo - 0.08, hi + 0.08, 0, maxHops * 1.12);
        datagrams.Axes.SetLimits(lo - 0.08, hi + 0.08, 0, Math.Max(1, points.Count == 0 ? 0 : points.Max(p => p.Datagrams)) * 1.12);
        hops.ShowLegend(Alignment.UpperLeft);
        datagrams.ShowLegend(Alignment.UpperLeft);

        using var image = multiplot.Render(PanelWidth * 2, PanelHeight);
        return image.GetImageBytes(ImageFormat.Png);
    }

    private static void Style(Plot plot, string title, string yLabel, double lo, double hi)
    {
        plot.Title(title);
        plot.XLabel("Nodes N (log scale)");
        plot.YLabel(yLabel);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var e = (int)lo; e <= (int)hi; e++)
        {
            ticks.AddMajor(e, FormatCount(Math.Pow(10, e)));
            if (e < (int)hi)
            {
                for (var m = 2; m <= 9; m++)
                {
                    ticks.AddMinor(e + Math.Log10(m));
                }
            }
        }

        plot.Axes.Bottom.TickGenerator = ticks;
    }

    private static void AddSeries(Plot plot, double[] xs, double[] ys, Color color, string label)
    {
        var scatter = plot.Add.Scatter(xs, ys, color);
        scatter.LineWidth = 2;
        scatter.MarkerSize = 8;
        scatter.LegendText = label;
    }

    private static string FormatCount(double n) => n switch
    {
        >= 1_000_000 => (n / 1_000_000).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 1000 => (n / 1000).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ => n.ToString("0", CultureInfo.InvariantCulture),
    };
}
