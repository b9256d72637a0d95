using System.Net.NetworkInformation;

namespace DhtRpc.Transport;

/// <summary>Tells a node when the machine's network interfaces or addresses change.</summary>
public interface INetworkInterfaceWatcher
{
    /// <summary>Calls <paramref name="onChange"/> (on any thread) after each change until the result is disposed.</summary>
    IDisposable Subscribe(Action onChange);
}

/// <summary>The operating system's address-change notifications (<see cref="NetworkChange"/>).</summary>
internal sealed class SystemNetworkInterfaceWatcher : INetworkInterfaceWatcher
{
    private SystemNetworkInterfaceWatcher()
    {
    }

    public static SystemNetworkInterfaceWatcher Instance { get; } = new();

    /// <remarks>
    /// The first subscription in a process opens a netlink socket and starts a thread (~12 ms): it runs
    /// on the thread pool so that a starting node does not wait for it.
    /// </remarks>
    public IDisposable Subscribe(Action onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        NetworkAddressChangedEventHandler handler = (_, _) => onChange();
        return new Subscription(handler, Task.Run(() => NetworkChange.NetworkAddressChanged += handler));
    }

    private sealed class Subscription(NetworkAddressChangedEventHandler handler, Task subscribed) : IDisposable
    {
        private NetworkAddressChangedEventHandler? _handler = handler;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _handler, null) is { } h)
            {
                // After the subscription itself, wherever it has got to.
                _ = subscribed.ContinueWith(_ => NetworkChange.NetworkAddressChanged -= h, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }
}
