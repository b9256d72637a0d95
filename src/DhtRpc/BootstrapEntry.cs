using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DhtRpc.Wire;

namespace DhtRpc;

/// <summary>
/// One entry of a bootstrap list (<see cref="DhtNodeOptions.Bootstrap"/>), as dht-rpc reads it: "host:port",
/// "suggestedIp@hostname:port" (the IP is tried first, the name looked up when it does not answer), or a bare
/// port on 127.0.0.1.
/// </summary>
/// <param name="Host">The host part: an IPv4 address, a name, or "suggestedIp@hostname".</param>
/// <param name="Port">The UDP port, 1 to 65535.</param>
public sealed record BootstrapEntry(string Host, int Port)
{
    /// <summary>Parses one entry; a <see cref="FormatException"/> says what is wrong with it.</summary>
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

    /// <summary>Parses one entry as <see cref="Parse"/> does; false, with a null <paramref name="entry"/>, when it is not one.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BootstrapEntry? entry)
    {
        entry = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        try
        {
            entry = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
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

    /// <summary>The address of <see cref="LookupHost"/> when it needs no lookup: a dotted quad, or "localhost" (127.0.0.1); null for a name.</summary>
    public Ipv4Endpoint? LiteralEndpoint
    {
        get
        {
            var host = LookupHost;
            if (Ipv4Endpoint.TryParseHost(host, out var address))
            {
                return new Ipv4Endpoint(address, (ushort)Port);
            }

            return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? Ipv4Endpoint.Loopback(Port) : null;
        }
    }

    /// <summary>
    /// <see cref="LookupHost"/> as an address: <see cref="LiteralEndpoint"/>, else the first IPv4 address DNS gives
    /// for the name; null when it does not resolve (dht-rpc skips such an entry). The suggested IP is not tried here.
    /// </summary>
    public async Task<Ipv4Endpoint?> ResolveAsync(CancellationToken cancellationToken = default)
    {
        if (LiteralEndpoint is { } literal)
        {
            return literal;
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(LookupHost, AddressFamily.InterNetwork, cancellationToken).ConfigureAwait(true);
            return addresses.Length == 0 ? null : Ipv4Endpoint.FromIPEndPoint(new IPEndPoint(addresses[0], Port));
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>The entry as dht-rpc writes it: "host:port".</summary>
    public override string ToString() => $"{Host}:{Port}";

    private static int CheckPort(int port, string text) =>
        port is > 0 and <= 65535 ? port : throw new FormatException($"Bootstrap node '{text}' has an invalid port.");
}
