using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using DhtRpc.Wire;

namespace DhtRpc.Transport;

/// <summary>This machine's own addresses.</summary>
internal static class LocalAddresses
{
    /// <summary>The first non-loopback IPv4 address of this host (port 0); 127.0.0.1 when there is none.</summary>
    public static Ipv4Endpoint FirstIpv4()
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
                if (address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address))
                {
                    return Ipv4Endpoint.FromIPEndPoint(new IPEndPoint(address, 0));
                }
            }
        }

        return Ipv4Endpoint.Loopback(0);
    }
}
