using System.Net.Sockets;

namespace DhtRpc.Hostile;

/// <summary>One receive with a short poll, so that a receive loop checks its stop flag between datagrams.</summary>
internal static class PolledReceive
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// The next datagram's length in <paramref name="length"/>; false when none came within the poll
    /// interval or the receive failed (an ICMP port unreachable while a node is down).
    /// </summary>
    public static bool TryReceive(Socket socket, byte[] buffer, out int length)
    {
        length = 0;
        if (!socket.Poll(PollInterval, SelectMode.SelectRead))
        {
            return false;
        }

        try
        {
            length = socket.Receive(buffer);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
