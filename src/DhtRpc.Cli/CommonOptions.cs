using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using DhtRpc.Storage;
using DhtRpc.Wire;

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
            if (!BootstrapEntry.TryParse(entry, out _))
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

    /// <summary>--host for client verbs: defaults to 127.0.0.1 when every bootstrap is local, else 0.0.0.0.</summary>
    public static Option<string?> ClientHost() => new("--host")
    {
        Description = "IPv4 address to bind (default: 127.0.0.1 when the bootstrap is local, else 0.0.0.0).",
    };

    /// <summary>The address a client binds: the one asked for, or one that can reach the bootstrap nodes.</summary>
    public static string ResolveClientHost(string? host, IReadOnlyList<string> bootstrap)
    {
        if (host is not null)
        {
            CheckHost(host);
            return host;
        }

        return bootstrap.All(IsLocal) ? "127.0.0.1" : "0.0.0.0";

        static bool IsLocal(string entry)
        {
            var h = BootstrapEntry.Parse(entry).LookupHost;
            return h.StartsWith("127.", StringComparison.Ordinal) || string.Equals(h, "localhost", StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>--protocol study|hyperdht: the family a storage node serves on user commands 0–10.</summary>
    public static Option<StorageProtocol> Protocol() => new("--protocol")
    {
        Description = "What the node serves on commands 0-10: 'study' (the content store: INSERT 0, GET 1) or 'hyperdht' (hyperdht's announces, lookups, mutable and immutable values, and relaying). The warehouse (100-108) is served either way.",
        DefaultValueFactory = _ => StorageProtocol.Study,
        CustomParser = result => result.Tokens[0].Value.ToLowerInvariant() switch
        {
            "study" => StorageProtocol.Study,
            "hyperdht" => StorageProtocol.HyperDht,
            var other => Fail(result, $"--protocol must be 'study' or 'hyperdht' (got '{other}')."),
        },
    };

    /// <summary>--study-fallback: answer unknown user commands like GET, as the study's storage node does.</summary>
    public static Option<bool> StudyFallback() => new("--study-fallback")
    {
        Description = "Answer every user command the node does not know like a content GET, as the study's storage node does. Only for networks of the study's scripts: hyperdht and other dht-rpc peers take those replies for acknowledgements. Without it, unknown commands get UNKNOWN_COMMAND.",
    };

    private static StorageProtocol Fail(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return default;
    }

    /// <summary>--limit-local: hold loopback and private peers to the limits as well (they are spared by default).</summary>
    public static Option<bool> LimitLocal() => new("--limit-local")
    {
        Description = "Apply the node's request budgets, reply caps and routing-table diversity limits to loopback and private addresses too. They are spared by default, so that many nodes can share 127.0.0.1; with this flag loopback is held to the limits a public node keeps (docs/limits.md), and `network` and `demo` give each node a /24 of its own on loopback (127.1.0.1, 127.1.1.1, ...), as nodes on the internet have their own addresses.",
    };

    /// <summary>The limits a node verb runs with.</summary>
    public static DhtRpc.Limits.NodeLimits Limits(bool limitLocal) => new() { ApplyToLocalAddresses = limitLocal };

    public static Option<string?> Http() => new("--http")
    {
        Description = "Serve the HTTP API (/status, /routing, /stats, /metrics, /health, /warehouse/items, /content/{hash}) and the dashboard (/) on PORT or HOST:PORT; PORT alone listens on 127.0.0.1 only.",
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print the result as one line of JSON (for scripts).",
    };

    public static Option<string?> Data() => new("--data")
    {
        Description = "Directory to keep stored items and known peers in (SQLite); without it, memory only.",
    };

    public static Option<string?> Node() => new("--node")
    {
        Description = "Talk to this node (host:port) instead of picking one by lookup.",
    };

    /// <summary>Parses host:port (IPv4 or localhost) as a bootstrap entry is read; a <see cref="UsageException"/> names the bad text.</summary>
    public static Ipv4Endpoint ParseEndpoint(string text)
    {
        if (!BootstrapEntry.TryParse(text.Trim(), out var entry) || entry.Host != entry.LookupHost || entry.LiteralEndpoint is not { } endpoint)
        {
            throw new UsageException($"'{text}' is not a host:port address (for example 127.0.0.1:10001).");
        }

        return endpoint;
    }

    /// <summary>Parses a 64-character hex hash; a <see cref="UsageException"/> otherwise.</summary>
    public static NodeId ParseHash(string text)
    {
        if (!NodeId.TryParse(text.Trim(), out var id))
        {
            throw new UsageException($"'{text}' is not a 64-character hex hash.");
        }

        return id;
    }

    /// <summary>A UDP port on <paramref name="host"/> that was free a moment ago (for nodes that need their port before they start).</summary>
    public static int FreeUdpPort(string host)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Parse(host), 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>A file to read: one sentence when it is missing or is a directory.</summary>
    public static void CheckInputFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new CliException($"'{path}' is a directory, not a file.", CliFailure.Io);
        }

        if (!File.Exists(path))
        {
            throw new CliException($"File '{path}' does not exist.", CliFailure.Io);
        }
    }

    public static void CheckPort(int port)
    {
        if (port is < 0 or > 65535)
        {
            throw new UsageException($"Port {port} is not a valid UDP port (0-65535).");
        }
    }
}
