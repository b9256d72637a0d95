using DhtRpc.Wire;

namespace DhtRpc.Simulation;

/// <summary>
/// The NATs of a <see cref="SimulatedNetwork"/>: which private hosts sit behind which public address, the
/// port mappings their sockets opened, and which peers each mapping accepts datagrams from.
/// </summary>
internal sealed class NatTable
{
    private readonly Dictionary<uint, Device> _byPrivateHost = [];
    private readonly Dictionary<uint, Device> _byPublicHost = [];

    public bool IsPublicHost(uint host) => _byPublicHost.ContainsKey(host);

    public void Add(uint privateHost, uint publicHost, NatBehavior behavior)
    {
        if (_byPrivateHost.ContainsKey(privateHost))
        {
            throw new InvalidOperationException($"{HostText(privateHost)} is already behind a NAT.");
        }

        if (_byPrivateHost.ContainsKey(publicHost) || _byPublicHost.ContainsKey(privateHost))
        {
            throw new InvalidOperationException("A host cannot be both behind a NAT and the public address of one.");
        }

        if (!_byPublicHost.TryGetValue(publicHost, out var device))
        {
            device = new Device(publicHost, behavior);
            _byPublicHost.Add(publicHost, device);
        }
        else if (device.Behavior != behavior)
        {
            throw new InvalidOperationException($"The NAT at {HostText(publicHost)} already behaves as {device.Behavior}.");
        }

        _byPrivateHost.Add(privateHost, device);
    }

    /// <summary>Hosts behind a NAT are only addressable from behind the same NAT.</summary>
    public bool CanReach(uint fromHost, uint toHost) =>
        !_byPrivateHost.TryGetValue(toHost, out var device)
        || (_byPrivateHost.TryGetValue(fromHost, out var own) && own == device);

    /// <summary>The source a datagram carries once it has left the sender's NAT (opening a mapping).</summary>
    public Ipv4Endpoint TranslateOutbound(Ipv4Endpoint local, Ipv4Endpoint to)
    {
        if (!_byPrivateHost.TryGetValue(local.Address, out var device))
        {
            return local;
        }

        if (_byPrivateHost.TryGetValue(to.Address, out var other) && other == device)
        {
            return local;
        }

        return device.Outbound(local, to);
    }

    /// <summary>
    /// For a destination on a NAT's public address: the private socket it maps to, if the mapping exists
    /// and accepts <paramref name="from"/>. Returns true with <paramref name="to"/> unchanged for other hosts.
    /// </summary>
    public bool TryTranslateInbound(Ipv4Endpoint to, Ipv4Endpoint from, out Ipv4Endpoint target)
    {
        if (!_byPublicHost.TryGetValue(to.Address, out var device))
        {
            target = to;
            return true;
        }

        return device.TryInbound(to.Port, from, out target);
    }

    /// <summary>Drops the mappings of a closed socket.</summary>
    public void Forget(Ipv4Endpoint local)
    {
        if (_byPrivateHost.TryGetValue(local.Address, out var device))
        {
            device.Forget(local);
        }
    }

    private static string HostText(uint host) => new Ipv4Endpoint(host, 0).Host;

    private sealed class Device
    {
        private const int FirstPort = 1024;
        private const int PortCount = 65536 - FirstPort;

        private readonly uint _publicHost;
        private readonly Dictionary<ushort, Mapping> _byPublicPort = [];
        private readonly Dictionary<(Ipv4Endpoint Local, Ipv4Endpoint Destination), Mapping> _byKey = [];
        private readonly Dictionary<Ipv4Endpoint, List<Mapping>> _byLocal = [];
        private int _nextPort = 40000 - FirstPort;

        public Device(uint publicHost, NatBehavior behavior)
        {
            _publicHost = publicHost;
            Behavior = behavior;
        }

        public NatBehavior Behavior { get; }

        public Ipv4Endpoint Outbound(Ipv4Endpoint local, Ipv4Endpoint to)
        {
            var randomized = Behavior == NatBehavior.Randomized;
            var destination = randomized ? to : default;
            var key = (local, destination);
            if (!_byKey.TryGetValue(key, out var mapping))
            {
                var port = !randomized && !_byPublicPort.ContainsKey(local.Port) ? local.Port : AllocatePort();
                mapping = new Mapping(local, destination, port, Behavior == NatBehavior.Open ? null : []);
                _byKey.Add(key, mapping);
                _byPublicPort.Add(port, mapping);
                if (!_byLocal.TryGetValue(local, out var list))
                {
                    list = [];
                    _byLocal.Add(local, list);
                }

                list.Add(mapping);
            }

            mapping.AllowedPeers?.Add(to);
            return new Ipv4Endpoint(_publicHost, mapping.PublicPort);
        }

        public bool TryInbound(ushort port, Ipv4Endpoint from, out Ipv4Endpoint target)
        {
            if (_byPublicPort.TryGetValue(port, out var mapping)
                && (mapping.AllowedPeers is null || mapping.AllowedPeers.Contains(from)))
            {
                target = mapping.Local;
                return true;
            }

            target = default;
            return false;
        }

        public void Forget(Ipv4Endpoint local)
        {
            if (!_byLocal.Remove(local, out var mappings))
            {
                return;
            }

            foreach (var mapping in mappings)
            {
                _byPublicPort.Remove(mapping.PublicPort);
                _byKey.Remove((local, mapping.Destination));
            }
        }

        private ushort AllocatePort()
        {
            for (var i = 0; i < PortCount; i++)
            {
                var port = (ushort)(FirstPort + ((_nextPort + i) % PortCount));
                if (!_byPublicPort.ContainsKey(port))
                {
                    _nextPort = (port - FirstPort + 1) % PortCount;
                    return port;
                }
            }

            throw new InvalidOperationException($"The NAT at {HostText(_publicHost)} has no free public port left.");
        }
    }

    /// <summary>Destination is default unless the NAT maps per destination.</summary>
    private sealed record Mapping(Ipv4Endpoint Local, Ipv4Endpoint Destination, ushort PublicPort, HashSet<Ipv4Endpoint>? AllowedPeers);
}
