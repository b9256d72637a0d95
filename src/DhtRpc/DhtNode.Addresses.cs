using System.Net.NetworkInformation;
using System.Net.Sockets;
using DhtRpc.Wire;

namespace DhtRpc;

/// <summary>The addresses a node can report about itself (spec §10).</summary>
public sealed partial class DhtNode
{
    /// <summary>
    /// The first non-loopback IPv4 address of this host (127.0.0.1 when there is none) with the server
    /// socket's port; null before the sockets are bound.
    /// </summary>
    public Ipv4Endpoint? LocalAddress => Io.ServerSocket is { } server ? LocalHost().WithPort(server.LocalEndpoint.Port) : null;

    /// <summary>
    /// Our address as the network sees it, when it is usable by others: known, not firewalled, and the
    /// reported port is the server socket's. Null otherwise.
    /// </summary>
    public Ipv4Endpoint? RemoteAddress
    {
        get
        {
            var nat = PublicEndpoint;
            var server = Io.ServerSocket;
            if (nat is not { } endpoint || endpoint.Port == 0 || Firewalled || server is null)
            {
                return null;
            }

            return server.LocalEndpoint.Port == endpoint.Port ? endpoint : null;
        }
    }

    private static Ipv4Endpoint LocalHost()
    {
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            {
                continue;
            }

            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                var address = unicast.Address;
                if (address.AddressFamily == AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(address))
                {
                    return Ipv4Endpoint.FromIPEndPoint(new System.Net.IPEndPoint(address, 0));
                }
            }
        }

        return Ipv4Endpoint.Loopback(0);
    }
}
