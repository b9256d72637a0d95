using System.Diagnostics.Metrics;
using System.Text;

namespace DhtRpc.Testing;

/// <summary>
/// The name an instrument gets in OpenTelemetry's Prometheus exporter (text format): characters other
/// than letters, digits and ':' become one '_', the unit (annotations in braces dropped, 's' as
/// 'seconds', 'By' as 'bytes') is appended unless the name ends with it, and counters end in '_total'.
/// </summary>
public static class PrometheusNames
{
    public static string Of(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var name = Sanitize(instrument.Name);
        var unit = Unit(instrument.Unit ?? "");
        if (unit.Length > 0 && !name.EndsWith(unit, StringComparison.Ordinal))
        {
            name += "_" + unit;
        }

        return IsCounter(instrument) && !name.EndsWith("_total", StringComparison.Ordinal) ? name + "_total" : name;
    }

    /// <summary>Monotonic sums: counters and observable counters (up-down counters export as gauges).</summary>
    public static bool IsCounter(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var type = instrument.GetType().GetGenericTypeDefinition();
        return type == typeof(Counter<>) || type == typeof(ObservableCounter<>);
    }

    private static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            if (char.IsAsciiLetterOrDigit(c) || c == ':')
            {
                sb.Append(c);
            }
            else if (sb.Length == 0 || sb[^1] != '_')
            {
                sb.Append('_');
            }
        }

        return sb.ToString();
    }

    private static string Unit(string unit)
    {
        var plain = new StringBuilder();
        var inBraces = false;
        foreach (var c in unit)
        {
            if (c == '{')
            {
                inBraces = true;
            }
            else if (c == '}')
            {
                inBraces = false;
            }
            else if (!inBraces)
            {
                plain.Append(c);
            }
        }

        return plain.ToString() switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "By" => "bytes",
            "1" => "",
            var other => other,
        };
    }
}
