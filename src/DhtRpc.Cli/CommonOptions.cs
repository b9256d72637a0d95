using System.CommandLine;
using DhtRpc.Encoding;

namespace DhtRpc.Cli;

/// <summary>Options shared by the verbs, with their defaults.</summary>
internal static class CommonOptions
{
    public const string DefaultBootstrap = "127.0.0.1:10001";

    public static Option<string> Host(string defaultHost = "127.0.0.1") => new("--host")
    {
        Description = "IPv4 address to bind.",
        DefaultValueFactory = _ => defaultHost,
    };

    public static Option<int> Port(int defaultPort) => new("--port")
    {
        Description = "UDP port to bind (0 = any free port).",
        DefaultValueFactory = _ => defaultPort,
    };

    /// <summary>--bootstrap host:port[,host:port…], defaulting to DHT_BOOTSTRAP or 127.0.0.1:10001.</summary>
    public static Option<string> Bootstrap() => new("--bootstrap")
    {
        Description = "Bootstrap nodes, host:port[,host:port...] (default: $DHT_BOOTSTRAP or 127.0.0.1:10001).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("DHT_BOOTSTRAP") is { Length: > 0 } fromEnv ? fromEnv : DefaultBootstrap,
    };

    /// <summary>Splits and checks a bootstrap list; throws a <see cref="UsageException"/> naming the bad entry.</summary>
    public static IReadOnlyList<string> ParseBootstrap(string text)
    {
        var entries = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 0)
        {
            throw new UsageException("--bootstrap needs at least one host:port.");
        }

        foreach (var entry in entries)
        {
            var colon = entry.LastIndexOf(':');
            if (colon <= 0 || !ushort.TryParse(entry.AsSpan(colon + 1), out var port) || port == 0)
            {
                throw new UsageException($"Bootstrap address '{entry}' is not host:port.");
            }
        }

        return entries;
    }

    public static void CheckHost(string host)
    {
        if (!Ipv4Endpoint.TryParseHost(host, out _))
        {
            throw new UsageException($"Host '{host}' is not an IPv4 address.");
        }
    }
}

/// <summary>A mistake in how the command was called; printed as one sentence, exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
