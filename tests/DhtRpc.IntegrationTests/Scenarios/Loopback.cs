using System.Net;
using System.Net.Sockets;
using DhtRpc.Wire;
using DhtRpc.Threading;

namespace DhtRpc.IntegrationTests.Scenarios;

/// <summary>Helpers of the loopback scenarios: dht-rpc's createDHT (host 127.0.0.1) and freePort.</summary>
internal static class Loopback
{
    /// <summary>Upper bound for any one scenario; they normally take a few seconds.</summary>
    public const int TestTimeout = 120_000;

    public static DhtNodeOptions Options(DhtNodeOptions? options = null) => (options ?? new DhtNodeOptions()) with { Host = "127.0.0.1" };

    public static DhtNode Create(DhtNodeOptions? options = null) => new(Options(options));

    /// <summary>A node whose work is held back until <see cref="HeldNode.Release"/>: nothing is bound before that.</summary>
    public static HeldNode CreateHeld(DhtNodeOptions? options = null) => new(Options(options));

    /// <summary>Binds and closes a UDP socket on 127.0.0.1 to get a port that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>True when a UDP socket can be bound on 127.0.0.1:<paramref name="port"/> right now.</summary>
    public static bool CanBind(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>What dht-rpc's <c>address()</c> gives, as a 127.0.0.1 endpoint (the socket requests leave from).</summary>
    public static Ipv4Endpoint AddressOf(DhtNode node) => Ipv4Endpoint.Loopback(node.Address!.Value.Port);

    public static string BootstrapFor(DhtNode node) => $"localhost:{node.Address!.Value.Port}";

    public static async Task DisposeAllAsync(params DhtNode[] nodes)
    {
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
    }
}

/// <summary>
/// A node constructed on a serial context that is blocked until <see cref="Release"/>, so that its state
/// right after construction (before its first bind) can be observed without a race.
/// </summary>
internal sealed class HeldNode : IDisposable
{
    private readonly ManualResetEventSlim _gate = new();

    public HeldNode(DhtNodeOptions options)
    {
        var context = new SerialSynchronizationContext();
        context.Post(static g => ((ManualResetEventSlim)g!).Wait(TimeSpan.FromSeconds(30)), _gate);
        Node = new DhtNode(options with { Context = context });
    }

    public DhtNode Node { get; }

    public void Release() => _gate.Set();

    /// <summary>Opens the gate (if a test failed before releasing). The event itself is left to the GC: the
    /// held work item may still be returning from its wait.</summary>
    public void Dispose() => _gate.Set();
}
