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

    public IDisposable Subscribe(Action onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        NetworkAddressChangedEventHandler handler = (_, _) => onChange();
        NetworkChange.NetworkAddressChanged += handler;
        return new Subscription(handler);
    }

    private sealed class Subscription(NetworkAddressChangedEventHandler handler) : IDisposable
    {
        private NetworkAddressChangedEventHandler? _handler = handler;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _handler, null) is { } h)
            {
                NetworkChange.NetworkAddressChanged -= h;
            }
        }
    }
}
