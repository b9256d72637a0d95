using System.Globalization;
using System.Text;

namespace DhtRpc.Storage.Json;

/// <summary>ECMAScript number formatting, as <c>String(x)</c> and <c>JSON.stringify</c> write a double.</summary>
internal static class EcmaNumber
{
    /// <summary>ECMAScript Number::toString(x) for finite values; NaN and ±Infinity become <c>null</c> as in JSON.stringify.</summary>
    public static string Format(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            return "null";
        }

        if (value == 0)
        {
            return "0"; // also -0
        }

        // .NET's round-trip format yields the shortest digits that round-trip (the same digits ECMAScript
        // requires); only the layout differs, so pull out digits and exponent and lay them out again.
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = r[0] == '-';
        var body = negative ? r.AsSpan(1) : r.AsSpan();
        var exponent = 0;
        var ePos = body.IndexOfAny('E', 'e');
        if (ePos >= 0)
        {
            exponent = int.Parse(body[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            body = body[..ePos];
        }

        var digits = new StringBuilder(body.Length);
        var pointAt = body.Length;
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '.')
            {
                pointAt = i;
            }
            else
            {
                digits.Append(body[i]);
            }
        }

        // value = 0.d1d2…dk × 10^n
        var n = pointAt + exponent;
        var lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }

        digits.Remove(0, lead);
        n -= lead;
        var trail = digits.Length;
        while (trail > 1 && digits[trail - 1] == '0')
        {
            trail--;
        }

        digits.Length = trail;
        var s = digits.ToString();
        var k = s.Length;

        var sb = new StringBuilder(k + 8);
        if (negative)
        {
            sb.Append('-');
        }

        if (k <= n && n <= 21)
        {
            sb.Append(s).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            sb.Append(s, 0, n).Append('.').Append(s, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            sb.Append("0.").Append('0', -n).Append(s);
        }
        else
        {
            var e = n - 1;
            sb.Append(s[0]);
            if (k > 1)
            {
                sb.Append('.').Append(s, 1, k - 1);
            }

            sb.Append('e').Append(e < 0 ? '-' : '+').Append(Math.Abs(e).ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }
}
