using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DhtRpc.IntegrationTests.Interop;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>Mistakes and failures are one sentence on stderr with the right exit code: no .NET type names, no stack traces.</summary>
[Collection(InteropCollection.Name)]
public sealed class CliErrorTests
{
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_number_option_given_a_word_says_so_in_words()
    {
        var result = await DhtCli.RunAsync(ExitLimit, "network", "--nodes", "abc");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("--nodes takes a whole number; 'abc' is not one.", FirstLine(result.StandardError));
    }

    [Fact]
    public async Task A_directory_given_as_the_file_to_put_is_named_as_a_directory()
    {
        var folder = Directory.CreateTempSubdirectory("dht-cli-").FullName;
        try
        {
            var json = await DhtCli.RunAsync(ExitLimit, "put-json", folder);
            var bytes = await DhtCli.RunAsync(ExitLimit, "put", folder);

            Assert.Equal((1, $"'{folder}' is a directory, not a file."), (json.ExitCode, FirstLine(json.StandardError)));
            Assert.Equal((1, $"'{folder}' is a directory, not a file."), (bytes.ExitCode, FirstLine(bytes.StandardError)));
        }
        finally
        {
            Directory.Delete(folder);
        }
    }

    [Fact]
    public async Task A_node_on_a_port_in_use_says_it_cannot_bind_without_a_stack_trace()
    {
        var bootstrapPort = FreePorts.Udp();
        await using var bootstrap = DhtNode.CreateBootstrapper(bootstrapPort, "127.0.0.1");
        await bootstrap.FullyBootstrappedAsync();
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);

        var result = await DhtCli.RunAsync(ExitLimit, "node", "--port", port, "--bootstrap", $"127.0.0.1:{bootstrapPort.ToString(CultureInfo.InvariantCulture)}");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Cannot bind the node's UDP port: Cannot bind UDP 127.0.0.1:{port}", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
        Assert.All(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.DoesNotContain("Exception", line, StringComparison.Ordinal));
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].TrimEnd('\r');
}
