using System.Runtime.CompilerServices;
using DhtRpc.Crypto;
using DhtRpc.Rpc;
using DhtRpc.Wire;

namespace DhtRpc.Joining;

/// <summary>
/// Turns the bootstrap list into addresses: a suggested IP is pinged first and used when it answers;
/// otherwise the host name goes through DNS. Unresolvable entries are skipped, as dht-rpc does.
/// </summary>
internal sealed class BootstrapResolver
{
    private readonly Func<Ipv4Endpoint, CancellationToken, Task> _ping;

    /// <param name="entries">The parsed bootstrap list.</param>
    /// <param name="ping">Pings one address; throws <see cref="DhtException"/> when it does not answer.</param>
    public BootstrapResolver(IReadOnlyList<BootstrapEntry> entries, Func<Ipv4Endpoint, CancellationToken, Task> ping)
    {
        Entries = entries;
        _ping = ping;
    }

    /// <summary>The parsed bootstrap list (dht-rpc's <c>bootstrapNodes</c>).</summary>
    public IReadOnlyList<BootstrapEntry> Entries { get; }

    /// <summary>Bootstrap nodes resolved to addresses, in list order, with the ids their addresses imply.</summary>
    public async IAsyncEnumerable<DhtPeer> ResolveAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var entry in Entries)
        {
            Ipv4Endpoint? endpoint = null;
            if (entry.SuggestedEndpoint is { } suggested)
            {
                try
                {
                    await _ping(suggested, cancellationToken).ConfigureAwait(true);
                    endpoint = suggested;
                }
                catch (DhtException)
                {
                    endpoint = null;
                }
            }

            // An unresolvable entry is skipped, as dht-rpc does.
            endpoint ??= await entry.ResolveAsync(cancellationToken).ConfigureAwait(true);
            if (endpoint is { } resolved)
            {
                yield return new DhtPeer(resolved, Blake2b.NodeIdOf(resolved));
            }
        }
    }
}
