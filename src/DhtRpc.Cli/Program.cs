using System.CommandLine;
using DhtRpc.Cli;

var root = new RootCommand("dht: a dht-rpc compatible Kademlia DHT node, content storage, warehouses and tools.");
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(BootstrapCommand.Create());
root.Subcommands.Add(NodeCommand.Create());
root.Subcommands.Add(NetworkCommand.Create());
root.Subcommands.Add(PutJsonCommand.Create());
root.Subcommands.Add(GetJsonCommand.Create());
root.Subcommands.Add(PutCommand.Create());
root.Subcommands.Add(GetCommand.Create());
root.Subcommands.Add(WarehouseCommand.Create());
root.Subcommands.Add(PingCommand.Create());
root.Subcommands.Add(LookupCommand.Create());
root.Subcommands.Add(RoutingCommand.Create());
root.Subcommands.Add(StatsCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
