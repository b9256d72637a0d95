namespace DhtRpc.Storage.HyperDht;

/// <summary>Limits of the hyperdht record family; the defaults are hyperdht's own.</summary>
public sealed record HyperDhtOptions
{
    /// <summary>Fresh entries per cache (records, forwards, refreshes, bumps); mutable and immutable values get half each.</summary>
    public int MaxSize { get; init; } = 65536;

    /// <summary>How long announcements, forwards and refresh tokens live without a refresh.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromMinutes(20);

    /// <summary>How long mutable and immutable values live without a new put.</summary>
    public TimeSpan ValueMaxAge { get; init; } = TimeSpan.FromHours(48);

    /// <summary>The largest mutable or immutable value accepted, in bytes (a JS peer cannot send more in one datagram).</summary>
    public int MaxValueSize { get; init; } = 2048;

    /// <summary>Relay addresses kept per announced peer, as hyperdht keeps.</summary>
    public int MaxRelayAddresses { get; init; } = 3;

    /// <summary>Records returned per LOOKUP.</summary>
    public int LookupRecords { get; init; } = 20;

    /// <summary>How far in the future an announce's bump time may be.</summary>
    public TimeSpan MaxBumpDrift { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The clock of the caches; the node's own when null.</summary>
    public TimeProvider? Time { get; init; }
}

/// <summary>Error codes of the family's refusals besides hyperdht's own (16, 17), documented in docs/storage-format.md.</summary>
public static class HyperDhtRefusals
{
    /// <summary>The signature does not verify.</summary>
    public const ulong BadSignature = 20;

    /// <summary>The request lacks a target or value, or its value does not decode.</summary>
    public const ulong Malformed = 21;

    /// <summary>The target is not the BLAKE2b-256 hash of the public key or value.</summary>
    public const ulong WrongTarget = 23;

    /// <summary>The value is larger than <see cref="HyperDhtOptions.MaxValueSize"/>.</summary>
    public const ulong ValueTooLarge = 24;
}

/// <summary>What the family did, for stats and metrics.</summary>
public sealed class HyperDhtStats
{
    /// <summary>Peer records stored (announces, including servers announcing themselves).</summary>
    public long Announces { get; internal set; }

    /// <summary>Peer records removed by a signed unannounce.</summary>
    public long Unannounces { get; internal set; }

    /// <summary>LOOKUP and FIND_PEER requests answered.</summary>
    public long Lookups { get; internal set; }

    /// <summary>Mutable values stored.</summary>
    public long MutablePuts { get; internal set; }

    /// <summary>Immutable values stored.</summary>
    public long ImmutablePuts { get; internal set; }

    /// <summary>Value reads answered (mutable and immutable).</summary>
    public long ValueGets { get; internal set; }

    /// <summary>Handshake and hole-punch messages forwarded or answered for an announced server.</summary>
    public long Relayed { get; internal set; }

    /// <summary>Relay messages that had nowhere to go (no server announced here, or missing fields).</summary>
    public long Unroutable { get; internal set; }

    /// <summary>Requests answered with an error code.</summary>
    public long Refused { get; internal set; }
}
