using ScottPlot;

namespace DhtRpc.SideBySide;

/// <summary>One curve per implementation on a panel, in the colours and patterns every chart here uses.</summary>
internal static class ImplCurves
{
    private static readonly (string Impl, LinePattern Pattern, Color Color)[] Styles =
    [
        ("ours", LinePattern.Solid, new Color(31, 119, 180)),
        ("dht-rpc", LinePattern.Dashed, new Color(255, 127, 14)),
    ];

    /// <summary>Adds ours (solid blue) and dht-rpc (dashed orange) at <paramref name="xs"/>, then scales the y axis from 0.</summary>
    public static void Add(Plot plot, double[] xs, Func<string, double[]> ysOf)
    {
        foreach (var (impl, pattern, color) in Styles)
        {
            var line = plot.Add.Scatter(xs, ysOf(impl), color);
            line.LineWidth = 2;
            line.LinePattern = pattern;
            line.MarkerSize = 8;
            line.LegendText = impl;
        }

        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, plot.Axes.GetLimits().Top * 1.1);
        plot.ShowLegend(Alignment.UpperLeft);
    }
}
