using DhtRpc.Wire;
using Xunit;

namespace DhtRpc.Tests.Node;

/// <summary>Bootstrap entries as dht-rpc writes them: host:port, suggestedIp@hostname:port, a bare port.</summary>
public sealed class BootstrapEntryTests
{
    [Theory]
    [InlineData("127.0.0.1:10001", "127.0.0.1", 10001)]
    [InlineData("10001", "127.0.0.1", 10001)]
    [InlineData("node.example:49737", "node.example", 49737)]
    [InlineData("1.2.3.4@node.example:49737", "1.2.3.4@node.example", 49737)]
    public void An_entry_parses_into_host_and_port(string text, string host, int port)
    {
        Assert.True(BootstrapEntry.TryParse(text, out var entry));
        Assert.Equal(new BootstrapEntry(host, port), entry);
        Assert.Equal(entry, BootstrapEntry.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData(":10001")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("127.0.0.1:port")]
    public void Anything_else_is_not_an_entry(string text)
    {
        Assert.False(BootstrapEntry.TryParse(text, out var entry));
        Assert.Null(entry);
    }

    [Fact]
    public void A_suggested_ip_is_tried_first_and_the_name_after_the_at_sign_is_looked_up()
    {
        var entry = BootstrapEntry.Parse("1.2.3.4@localhost:5000");

        Assert.Equal(Ipv4Endpoint.Parse("1.2.3.4:5000"), entry.SuggestedEndpoint);
        Assert.Equal("localhost", entry.LookupHost);
        Assert.Equal(Ipv4Endpoint.Loopback(5000), entry.LiteralEndpoint);
    }

    [Fact]
    public async Task Literal_hosts_resolve_without_a_lookup_and_an_unknown_name_to_nothing()
    {
        Assert.Equal(Ipv4Endpoint.Parse("10.0.0.7:9"), await BootstrapEntry.Parse("10.0.0.7:9").ResolveAsync(TestContext.Current.CancellationToken));
        Assert.Equal(Ipv4Endpoint.Loopback(9), await BootstrapEntry.Parse("LOCALHOST:9").ResolveAsync(TestContext.Current.CancellationToken));
        Assert.Null(BootstrapEntry.Parse("name.invalid:9").LiteralEndpoint);
        Assert.Null(await BootstrapEntry.Parse("name.invalid:9").ResolveAsync(TestContext.Current.CancellationToken));
    }
}
