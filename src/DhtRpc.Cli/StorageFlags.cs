using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using DhtRpc.Storage;

namespace DhtRpc.Cli;

/// <summary>
/// The flags that shape a storage node, shared by `node` and `network`: the protocol family, the study's
/// fallback, record lifetime and republish interval, and each source address's quota.
/// </summary>
internal sealed class StorageFlags
{
    private readonly Option<StorageProtocol> _protocol = CommonOptions.Protocol();
    private readonly Option<bool> _studyFallback = CommonOptions.StudyFallback();

    private readonly Option<TimeSpan> _recordTtl = new("--record-ttl")
    {
        Description = "How long a record lives unless stored again: content records, warehouse items and the tombstones of signed deletes (for example 90s, 10m, 2h).",
        DefaultValueFactory = _ => StorageOptions.Default.RecordTtl,
        CustomParser = result => ParseDuration(result, "--record-ttl"),
    };

    private readonly Option<TimeSpan> _republishInterval = new("--republish-interval")
    {
        Description = "How often holders push their content records and signed warehouse items to the closest nodes and drop what lapsed (shorter than --record-ttl).",
        DefaultValueFactory = _ => StorageOptions.Default.RepublishInterval,
        CustomParser = result => ParseDuration(result, "--republish-interval"),
    };

    private readonly Option<long> _quotaBytes = new("--source-quota-bytes")
    {
        Description = "Bytes one source address may store on the node (16 MiB by default); beyond, QUOTA_EXCEEDED (25). Local addresses are exempt unless --limit-local.",
        DefaultValueFactory = _ => StorageOptions.Default.MaxBytesPerSource,
    };

    private readonly Option<int> _quotaItems = new("--source-quota-items")
    {
        Description = "Items one source address may store on the node (65536 by default); counted as --source-quota-bytes is.",
        DefaultValueFactory = _ => StorageOptions.Default.MaxItemsPerSource,
    };

    /// <summary>Adds every flag to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_protocol);
        command.Options.Add(_studyFallback);
        command.Options.Add(_recordTtl);
        command.Options.Add(_republishInterval);
        command.Options.Add(_quotaBytes);
        command.Options.Add(_quotaItems);
    }

    /// <summary>The storage options the flags describe.</summary>
    /// <exception cref="UsageException">The values do not fit together.</exception>
    public StorageOptions Read(ParseResult result, string? location)
    {
        var ttl = result.GetValue(_recordTtl);
        var interval = result.GetValue(_republishInterval);
        if (interval >= ttl)
        {
            throw new UsageException($"--republish-interval ({Describe(interval)}) must be shorter than --record-ttl ({Describe(ttl)}), or records lapse before they are republished.");
        }

        var bytes = result.GetValue(_quotaBytes);
        var items = result.GetValue(_quotaItems);
        if (bytes < 1 || items < 1)
        {
            throw new UsageException($"--source-quota-bytes and --source-quota-items must be at least 1 (got {bytes} and {items}).");
        }

        return StorageOptions.Default with
        {
            Location = location,
            Protocol = result.GetValue(_protocol),
            UnknownCommandsReadLikeGet = result.GetValue(_studyFallback),
            RecordTtl = ttl,
            RepublishInterval = interval,
            MaxBytesPerSource = bytes,
            MaxItemsPerSource = items,
        };
    }

    /// <summary>A duration as 90s, 10m, 2h, 1d or hh:mm:ss; positive.</summary>
    private static TimeSpan ParseDuration(ArgumentResult result, string name)
    {
        var text = result.Tokens[0].Value.Trim();
        if (TryParseDuration(text, out var duration) && duration > TimeSpan.Zero)
        {
            return duration;
        }

        result.AddError($"{name} must be a positive duration such as 90s, 10m, 2h or 01:30:00 (got '{text}').");
        return default;
    }

    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        if (text.Length > 1 && char.IsAsciiLetter(text[^1]) &&
            double.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            TimeSpan? unit = char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(1),
                'm' => TimeSpan.FromMinutes(1),
                'h' => TimeSpan.FromHours(1),
                'd' => TimeSpan.FromDays(1),
                _ => null,
            };
            if (unit is { } u && amount * u.TotalSeconds < TimeSpan.MaxValue.TotalSeconds)
            {
                duration = u * amount;
                return true;
            }

            return false;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
    }

    private static string Describe(TimeSpan duration) => duration.ToString("c", CultureInfo.InvariantCulture);
}
