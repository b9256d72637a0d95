using System.Globalization;
using System.Net;

namespace DhtRpc.Hostile;

/// <summary>The kernel's per-socket UDP drop counter (a full receive buffer), from /proc/net/udp.</summary>
internal static class ProcNetUdp
{
    /// <summary>Datagrams dropped at the socket bound to <paramref name="local"/> since it was opened; -1 when unknown.</summary>
    public static long Drops(IPEndPoint local)
    {
        Span<byte> octets = stackalloc byte[4];
        local.Address.TryWriteBytes(octets, out _);
        // The address is printed as the host-order 32-bit value in hex (little-endian on x86 and arm64).
        var key = $"{octets[3]:X2}{octets[2]:X2}{octets[1]:X2}{octets[0]:X2}:{local.Port:X4}";
        try
        {
            foreach (var line in File.ReadLines("/proc/net/udp").Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 12 && fields[1] == key)
                {
                    return long.Parse(fields[^1], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // No /proc: unknown.
        }

        return -1;
    }
}
