using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>`routing --http` and `stats --http` given a bad address or a node that is not there: one sentence, exit 1 or 2.</summary>
public sealed class CliRemoteNodeErrorTests
{
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("stats")]
    [InlineData("routing")]
    public async Task An_address_that_is_not_a_url_is_a_usage_error(string verb)
    {
        var result = await DhtCli.RunAsync(ExitLimit, verb, "--http", "no-such-host:abc");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("--http 'no-such-host:abc' is not PORT or IPv4-HOST:PORT (for example 127.0.0.1:8080).", FirstLine(result.StandardError));
    }

    [Theory]
    [InlineData("stats", "/stats")]
    [InlineData("routing", "/routing")]
    public async Task A_port_where_no_node_listens_says_it_could_not_be_read(string verb, string path)
    {
        // A port just freed: nothing listens on it, so the connection is refused at once.
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var result = await DhtCli.RunAsync(ExitLimit, verb, "--http", port.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(1, result.ExitCode);
        var line = FirstLine(result.StandardError);
        Assert.StartsWith($"Could not read http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}{path}: ", line, StringComparison.Ordinal);
        Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].TrimEnd('\r');
}
