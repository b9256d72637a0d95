using System.Globalization;
using DhtRpc.Wire;

namespace DhtRpc;

/// <summary>One bootstrap list entry: "host:port", "suggestedIp@hostname:port" or a bare port.</summary>
internal sealed record BootstrapEntry(string Host, int Port)
{
    public static BootstrapEntry Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bare))
        {
            return new BootstrapEntry("127.0.0.1", CheckPort(bare, text));
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new FormatException($"Bootstrap node format is host:port (got '{text}').");
        }

        return new BootstrapEntry(text[..colon], CheckPort(port, text));
    }

    /// <summary>The suggested IP of a "suggestedIp@hostname" entry, if any.</summary>
    public Ipv4Endpoint? SuggestedEndpoint
    {
        get
        {
            var at = Host.IndexOf('@', StringComparison.Ordinal);
            return at > 0 && Ipv4Endpoint.TryParseHost(Host.AsSpan(0, at), out var ip) ? new Ipv4Endpoint(ip, (ushort)Port) : null;
        }
    }

    /// <summary>The host to resolve by name (after '@' when a suggestion is given).</summary>
    public string LookupHost
    {
        get
        {
            var at = Host.IndexOf('@', StringComparison.Ordinal);
            return at >= 0 ? Host[(at + 1)..] : Host;
        }
    }

    public override string ToString() => $"{Host}:{Port}";

    private static int CheckPort(int port, string text) =>
        port is > 0 and <= 65535 ? port : throw new FormatException($"Bootstrap node '{text}' has an invalid port.");
}
