using ScottPlot;

namespace DhtRpc.SideBySide;

/// <summary>
/// Two panels: left, the distribution (CDF) of lookup times after each churn share, ours solid and
/// dht-rpc dashed in the share's colour; right, the p90 lookup time of both against the share killed.
/// </summary>
internal static class ChurnChart
{
    private static readonly Color[] Colors = [new(31, 119, 180), new(255, 127, 14), new(214, 39, 40), new(44, 160, 44), new(148, 103, 189)];

    public static byte[] RenderPng(Dictionary<(string Impl, int Share), List<ChurnSample>> results, int[] shares)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var cdf = multiplot.GetPlot(0);
        var p90 = multiplot.GetPlot(1);
        cdf.Title("Lookup time after churn (CDF)");
        cdf.XLabel("Lookup time (s), log scale");
        cdf.YLabel("Share of lookups done");
        cdf.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(), LabelFormatter = v => FormattableString.Invariant($"{Math.Pow(10, v):0.###}") };
        p90.Title("p90 lookup time against share killed");
        p90.XLabel("Share of nodes killed (%)");
        p90.YLabel("p90 lookup time (s)");

        for (var i = 0; i < shares.Length; i++)
        {
            var color = Colors[i % Colors.Length];
            foreach (var (impl, pattern) in new[] { ("ours", LinePattern.Solid), ("dht-rpc", LinePattern.Dashed) })
            {
                var times = (results.GetValueOrDefault((impl, shares[i])) ?? []).Where(s => s.LookupMs is not null).Select(s => Math.Max(1, s.LookupMs!.Value) / 1000).Order().ToArray();
                if (times.Length == 0)
                {
                    continue;
                }

                var xs = times.SelectMany(t => new[] { Math.Log10(t), Math.Log10(t) }).ToArray();
                var ys = times.SelectMany((_, n) => new[] { (double)n / times.Length, (double)(n + 1) / times.Length }).ToArray();
                var line = cdf.Add.ScatterLine(xs, ys, color);
                line.LineWidth = 2;
                line.LinePattern = pattern;
                line.LegendText = FormattableString.Invariant($"{impl}, {shares[i]}% killed");
            }
        }

        foreach (var (impl, pattern, color) in new[] { ("ours", LinePattern.Solid, Colors[0]), ("dht-rpc", LinePattern.Dashed, Colors[1]) })
        {
            var xs = shares.Select(s => (double)s).ToArray();
            var ys = shares.Select(s => (ChurnReport.Percentile((results.GetValueOrDefault((impl, s)) ?? []).Select(x => x.LookupMs), 0.9) ?? double.NaN) / 1000).ToArray();
            var line = p90.Add.Scatter(xs, ys, color);
            line.LineWidth = 2;
            line.LinePattern = pattern;
            line.MarkerSize = 8;
            line.LegendText = impl;
        }

        cdf.ShowLegend(Alignment.LowerRight);
        p90.ShowLegend(Alignment.UpperLeft);
        using var image = multiplot.Render(1280, 480);
        return image.GetImageBytes(ImageFormat.Png);
    }
}
