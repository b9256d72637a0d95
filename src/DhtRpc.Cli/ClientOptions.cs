using System.CommandLine;
using DhtRpc.Wire;

namespace DhtRpc.Cli;

/// <summary>The options every client verb takes (--bootstrap, --host, --json, --timeout) and how to connect with them.</summary>
internal sealed class ClientOptions
{
    public Option<string> Bootstrap { get; } = CommonOptions.Bootstrap();

    public Option<string?> Host { get; } = CommonOptions.ClientHost();

    public Option<bool> Json { get; } = CommonOptions.Json();

    public Option<double?> Timeout { get; } = ClientWatch.TimeoutOption();

    public void AddTo(Command command)
    {
        command.Options.Add(Bootstrap);
        command.Options.Add(Host);
        command.Options.Add(Json);
        command.Options.Add(Timeout);
    }

    /// <summary>
    /// An ephemeral node joined through --bootstrap (fails within seconds when nothing answers). A node
    /// named with --node is a way in too, so a verb aimed at one node works when every bootstrap is down.
    /// From here on the verb is held to --timeout, and the node's requests are watched (<see cref="ClientWatch"/>).
    /// </summary>
    public Task<DhtNode> ConnectAsync(ParseResult result, CancellationToken cancellationToken, Ipv4Endpoint? named = null)
    {
        ClientWatch.Apply(result, Timeout);
        var json = result.GetValue(Json);
        var entries = CommonOptions.ParseBootstrap(result.GetValue(Bootstrap)!);
        if (named is { } node && !entries.Contains(node.ToString()))
        {
            entries = [.. entries, node.ToString()];
        }

        return ClientNode.ConnectAsync(entries, BindHost(result), cancellationToken, node => ClientWatch.Current?.Watch(node, json));
    }

    /// <summary>The host a client binds, from --host or the bootstrap list.</summary>
    public string BindHost(ParseResult result) =>
        CommonOptions.ResolveClientHost(result.GetValue(Host), CommonOptions.ParseBootstrap(result.GetValue(Bootstrap)!));
}
