using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace DhtRpc.Wire;

/// <summary>
/// An IPv4 host and port, the only address form on the dht-rpc wire (6 bytes: octets, then port LE).
/// </summary>
public readonly struct Ipv4Endpoint : IEquatable<Ipv4Endpoint>
{
    /// <summary>Bytes on the wire.</summary>
    public const int EncodedSize = 6;

    /// <summary>An endpoint from a big-endian address and a port.</summary>
    public Ipv4Endpoint(uint address, ushort port)
    {
        Address = address;
        Port = port;
    }

    /// <summary>The four octets as a big-endian integer (127.0.0.1 is 0x7F000001).</summary>
    public uint Address { get; }

    /// <summary>The port.</summary>
    public ushort Port { get; }

    /// <summary>127.0.0.1 with <paramref name="port"/>.</summary>
    public static Ipv4Endpoint Loopback(int port) => new(0x7F000001, checked((ushort)port));

    /// <summary>Reads the 6-byte wire form.</summary>
    public static Ipv4Endpoint Read(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt32BigEndian(source), BinaryPrimitives.ReadUInt16LittleEndian(source[4..]));

    /// <summary>Writes the 6-byte wire form.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, Address);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], Port);
    }

    /// <summary>The same host with another port.</summary>
    public Ipv4Endpoint WithPort(int port) => new(Address, checked((ushort)port));

    /// <summary>Converts an IPv4 (or IPv4-mapped IPv6) endpoint.</summary>
    public static Ipv4Endpoint FromIPEndPoint(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var address = endPoint.Address;
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("Only IPv4 addresses exist on the dht-rpc wire.", nameof(endPoint));
        }

        Span<byte> octets = stackalloc byte[4];
        address.TryWriteBytes(octets, out _);
        return new Ipv4Endpoint(BinaryPrimitives.ReadUInt32BigEndian(octets), checked((ushort)endPoint.Port));
    }

    /// <summary>The host as an <see cref="IPAddress"/>.</summary>
    public IPAddress ToIPAddress()
    {
        Span<byte> octets = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(octets, Address);
        return new IPAddress(octets);
    }

    /// <summary>The endpoint as an <see cref="IPEndPoint"/>.</summary>
    public IPEndPoint ToIPEndPoint() => new(ToIPAddress(), Port);

    /// <summary>Parses "a.b.c.d:port".</summary>
    public static Ipv4Endpoint Parse(string text)
    {
        if (!TryParse(text, out var endpoint))
        {
            throw new FormatException($"'{text}' is not an IPv4 address and port (expected a.b.c.d:port).");
        }

        return endpoint;
    }

    /// <summary>Parses "a.b.c.d:port"; false when the text is not one.</summary>
    public static bool TryParse(string? text, out Ipv4Endpoint endpoint)
    {
        endpoint = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !ushort.TryParse(text.AsSpan(colon + 1), out var port))
        {
            return false;
        }

        if (!TryParseHost(text.AsSpan(0, colon), out var address))
        {
            return false;
        }

        endpoint = new Ipv4Endpoint(address, port);
        return true;
    }

    /// <summary>Parses a dotted quad strictly: four decimal octets 0..255.</summary>
    public static bool TryParseHost(ReadOnlySpan<char> host, out uint address)
    {
        address = 0;
        var octets = 0;
        while (true)
        {
            var dot = host.IndexOf('.');
            var part = dot < 0 ? host : host[..dot];
            if (part.Length is 0 or > 3 || !byte.TryParse(part, System.Globalization.NumberStyles.None, null, out var octet))
            {
                return false;
            }

            address = (address << 8) | octet;
            octets++;
            if (dot < 0)
            {
                return octets == 4;
            }

            if (octets == 4)
            {
                return false;
            }

            host = host[(dot + 1)..];
        }
    }

    /// <summary>Writes the dotted-quad host text as ASCII (what tokens are computed over); returns bytes written.</summary>
    public int WriteHostAscii(Span<byte> destination)
    {
        var written = 0;
        for (var shift = 24; shift >= 0; shift -= 8)
        {
            var octet = (byte)(Address >> shift);
            octet.TryFormat(destination[written..], out var n, default, System.Globalization.CultureInfo.InvariantCulture);
            written += n;
            if (shift > 0)
            {
                destination[written++] = (byte)'.';
            }
        }

        return written;
    }

    /// <summary>The host in dotted form.</summary>
    public string Host => $"{(byte)(Address >> 24)}.{(byte)(Address >> 16)}.{(byte)(Address >> 8)}.{(byte)Address}";

    /// <inheritdoc/>
    public bool Equals(Ipv4Endpoint other) => Address == other.Address && Port == other.Port;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Ipv4Endpoint other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Address, Port);

    /// <summary>"a.b.c.d:port".</summary>
    public override string ToString() => $"{Host}:{Port}";

    /// <summary>Same host and port.</summary>
    public static bool operator ==(Ipv4Endpoint left, Ipv4Endpoint right) => left.Equals(right);

    /// <summary>Different host or port.</summary>
    public static bool operator !=(Ipv4Endpoint left, Ipv4Endpoint right) => !left.Equals(right);
}
