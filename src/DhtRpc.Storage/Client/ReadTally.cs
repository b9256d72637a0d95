using DhtRpc.Storage.Protocol;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Client;

/// <summary>
/// Gathers the replies of one read, holder by holder, and decides the answer. Safe to feed from
/// parallel requests.
/// </summary>
internal sealed class ReadTally(NodeId target, byte[]? owner)
{
    private readonly Lock _gate = new();
    private readonly List<Group> _groups = [];
    private readonly List<Ipv4Endpoint> _forgedBy = [];
    private readonly HashSet<Ipv4Endpoint> _counted = [];
    private int _unreadable;

    /// <summary>Holders that answered with a usable value so far.</summary>
    public int HolderCount
    {
        get
        {
            lock (_gate)
            {
                return _groups.Sum(g => g.Holders.Count);
            }
        }
    }

    /// <summary>A reply to the verifiable read (108): empty when the node holds nothing.</summary>
    public void AddVerifiable(Ipv4Endpoint from, byte[]? value)
    {
        if (value is not { Length: > 0 })
        {
            return;
        }

        if (!VerifiableReply.TryParse(value, out var payload, out var envelope))
        {
            Count(from, () => _unreadable++);
        }
        else if (envelope is not null)
        {
            if (envelope.Verify(SignedEnvelope.Purpose.Store, target))
            {
                Count(from, () => Join(from, envelope.Payload, envelope, verifiable: true));
            }
            else
            {
                Count(from, () => _forgedBy.Add(from));
            }
        }
        else
        {
            Count(from, () => Join(from, payload!, null, verifiable: true));
        }
    }

    /// <summary>A reply to the plain GET (101) from a node that does not know 108: unchecked.</summary>
    public void AddPlain(Ipv4Endpoint from, byte[]? value)
    {
        if (value is not null)
        {
            Count(from, () => Join(from, value, null, verifiable: false));
        }
    }

    /// <summary>
    /// The read's outcome: the answer (see <see cref="Choose"/>) and every other value met.
    /// </summary>
    public WarehouseRead Result()
    {
        lock (_gate)
        {
            var ranked = _groups
                .Select((g, i) => (Group: g, Index: i))
                .OrderByDescending(x => x.Group.Envelope is not null)
                .ThenByDescending(x => x.Group.Envelope?.Sequence ?? 0)
                .ThenByDescending(x => x.Group.Holders.Count)
                .ThenBy(x => x.Index)
                .Select(x => x.Group)
                .ToList();
            var answer = Choose(ranked);
            var values = answer is null ? ranked : [answer, .. ranked.Where(g => g != answer)];
            var shown = values.Select(g => new WarehouseValue(g.Value, [.. g.Holders], g.Envelope, g.Verifiable)).ToList();
            return new WarehouseRead
            {
                Target = target,
                Answer = answer is null ? null : shown[0],
                Values = shown,
                Forgeries = _forgedBy.Count,
                ForgedBy = [.. _forgedBy],
                Unreadable = _unreadable,
            };
        }
    }

    /// <summary>
    /// The owner is the one named, else the key most holders' envelopes carry (the first met on a tie), so one
    /// holder signing the target with a key of its own cannot outbid the rest with a huge sequence. Its newest
    /// envelope is the answer. Without signed values, the unsigned value the most holders gave (the first met
    /// on a tie); with an owner named, nothing but that owner's envelopes.
    /// </summary>
    private Group? Choose(List<Group> ranked)
    {
        var signed = ranked.Where(g => g.Envelope is not null).ToList();
        var chosen = owner ?? signed
            .GroupBy(g => Convert.ToHexString(g.Envelope!.PublicKey))
            .OrderByDescending(o => o.Sum(g => g.Holders.Count))
            .ThenBy(o => o.Min(g => _groups.IndexOf(g)))
            .Select(o => o.First().Envelope!.PublicKey)
            .FirstOrDefault();
        if (chosen is not null && signed.Find(g => g.Envelope!.PublicKey.AsSpan().SequenceEqual(chosen)) is { } newest)
        {
            return newest;
        }

        return owner is not null ? null : ranked.Where(g => g.Envelope is null).OrderByDescending(g => g.Holders.Count).ThenBy(_groups.IndexOf).FirstOrDefault();
    }

    /// <summary>Counts each node once, however many times it is asked (a walk and a fallback).</summary>
    private void Count(Ipv4Endpoint from, Action add)
    {
        lock (_gate)
        {
            if (_counted.Add(from))
            {
                add();
            }
        }
    }

    private void Join(Ipv4Endpoint from, byte[] value, SignedEnvelope? envelope, bool verifiable)
    {
        var group = _groups.Find(g => g.Matches(value, envelope));
        if (group is null)
        {
            group = new Group(value, envelope);
            _groups.Add(group);
        }

        group.Holders.Add(from);
        group.Verifiable |= verifiable;
    }

    private sealed class Group(byte[] value, SignedEnvelope? envelope)
    {
        public byte[] Value { get; } = value;

        public SignedEnvelope? Envelope { get; } = envelope;

        public List<Ipv4Endpoint> Holders { get; } = [];

        public bool Verifiable { get; set; }

        public bool Matches(byte[] other, SignedEnvelope? otherEnvelope) =>
            Value.AsSpan().SequenceEqual(other) && (Envelope, otherEnvelope) switch
            {
                (null, null) => true,
                ({ } a, { } b) => a.Sequence == b.Sequence && a.PublicKey.AsSpan().SequenceEqual(b.PublicKey),
                _ => false,
            };
    }
}
