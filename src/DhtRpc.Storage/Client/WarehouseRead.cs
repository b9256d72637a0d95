using DhtRpc.Storage.Protocol;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Client;

/// <summary>One distinct value a read met, with the warehouses that answered it.</summary>
/// <param name="Value">The item's payload.</param>
/// <param name="Holders">The warehouses that answered with this value, in the order they answered.</param>
/// <param name="Envelope">The owner's envelope, its signature verified, when the item is signed; null otherwise.</param>
/// <param name="Verifiable">
/// True when the holders answered the verifiable read (108), which says whether an item is signed; false when
/// they only answered the plain GET (101, older warehouses), so the value is unchecked.
/// </param>
public sealed record WarehouseValue(byte[] Value, IReadOnlyList<Ipv4Endpoint> Holders, SignedEnvelope? Envelope, bool Verifiable)
{
    /// <summary>True for a value carried in a signed envelope whose signature verified.</summary>
    public bool IsSigned => Envelope is not null;
}

/// <summary>
/// What a verifiable read of one key found. For a signed item, <see cref="Value"/> is the payload of the valid
/// envelope with the highest sequence by its owner (the key named to the read, else the key most holders'
/// envelopes carry); for an unsigned one, the value most holders agree on. Forged replies are
/// never the answer: they are only counted. <see cref="Values"/> lists every distinct value met, the answer first,
/// so a caller can see disagreement instead of a silent pick.
/// </summary>
public sealed record WarehouseRead
{
    /// <summary>The target read: sha256 of the key.</summary>
    public required NodeId Target { get; init; }

    /// <summary>Every distinct value held: the answer first, then signed before unsigned, newer before older, more holders before fewer.</summary>
    public required IReadOnlyList<WarehouseValue> Values { get; init; }

    /// <summary>Replies whose signed envelope did not verify for this target (forgeries or corruption); never used.</summary>
    public int Forgeries { get; init; }

    /// <summary>The warehouses that sent the forged replies counted in <see cref="Forgeries"/>.</summary>
    public IReadOnlyList<Ipv4Endpoint> ForgedBy { get; init; } = [];

    /// <summary>Replies in a format this client does not read (an unknown kind byte, a short envelope).</summary>
    public int Unreadable { get; init; }

    /// <summary>
    /// The value the read settles on (also first in <see cref="Values"/>); null when no holder answered with
    /// a usable value, or when an owner was named and none of the envelopes found is by that owner.
    /// </summary>
    public WarehouseValue? Answer { get; init; }

    /// <summary>The answer's payload; null when nothing was found.</summary>
    public byte[]? Value => Answer?.Value;

    /// <summary>The answer's verified envelope when it is signed.</summary>
    public SignedEnvelope? Envelope => Answer?.Envelope;

    /// <summary>The warehouses that answered with <see cref="Value"/>.</summary>
    public IReadOnlyList<Ipv4Endpoint> Holders => Answer?.Holders ?? [];

    /// <summary>True when holders answered with more than one distinct value (other values, owners or versions).</summary>
    public bool Disagreement => Values.Count > 1;

    /// <summary>True when no holder answered with a usable value.</summary>
    public bool NotFound => Values.Count == 0;

    /// <summary>The highest sequence among the valid signed envelopes found (any owner); null when none was signed.</summary>
    public ulong? HighestSequence => Values.Where(v => v.Envelope is not null).Select(v => (ulong?)v.Envelope!.Sequence).Max();

    /// <summary>
    /// The sequence a new signed write of this key should carry: the Unix time in milliseconds at
    /// <paramref name="now"/>, or one above the highest sequence the holders reported when that is higher.
    /// </summary>
    public ulong NextSequence(DateTimeOffset now)
    {
        var clock = (ulong)Math.Max(0, now.ToUnixTimeMilliseconds());
        return HighestSequence is { } highest && highest != ulong.MaxValue && highest + 1 > clock ? highest + 1 : clock;
    }
}
