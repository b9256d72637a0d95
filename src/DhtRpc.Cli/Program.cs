using System.CommandLine;
using DhtRpc.Cli;

var root = new RootCommand("dht: a dht-rpc compatible Kademlia DHT node, storage, and tools.");
root.Subcommands.Add(BootstrapCommand.Create());
root.Subcommands.Add(NodeCommand.Create());
root.Subcommands.Add(NetworkCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
