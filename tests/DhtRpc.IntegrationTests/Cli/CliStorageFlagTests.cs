using DhtRpc.IntegrationTests.Interop;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>
/// `dht node` refuses a store it must not serve from and storage flags that cannot work, in one
/// sentence with a non-zero exit, and starts with lifetimes short enough to watch a cycle.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class CliStorageFlagTests
{
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_empty_store_file_is_refused_naming_the_file_and_what_to_do()
    {
        var directory = Directory.CreateTempSubdirectory("dht-empty-store-").FullName;
        try
        {
            var file = Path.Combine(directory, "store.db");
            await File.WriteAllBytesAsync(file, [], TestContext.Current.CancellationToken);
            var result = await DhtCli.RunAsync(ExitLimit, "node", "--data", directory, "--bootstrap", "127.0.0.1:1");

            Assert.NotEqual(0, result.ExitCode);
            var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var line = Assert.Single(lines);
            Assert.Contains(file, line, StringComparison.Ordinal);
            Assert.Contains("empty (0 bytes)", line, StringComparison.Ordinal);
            Assert.Contains("restore it from a backup", line, StringComparison.Ordinal);
            Assert.Equal(0, new FileInfo(file).Length);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("--record-ttl", "soon", "--record-ttl must be a positive duration such as 90s, 10m, 2h or 01:30:00 (got 'soon').")]
    [InlineData("--record-ttl", "0s", "--record-ttl must be a positive duration such as 90s, 10m, 2h or 01:30:00 (got '0s').")]
    [InlineData("--republish-interval", "3h", "--republish-interval (03:00:00) must be shorter than --record-ttl (02:00:00), or records lapse before they are republished.")]
    public async Task A_lifetime_that_cannot_work_is_refused_in_one_sentence(string flag, string value, string message)
    {
        var result = await DhtCli.RunAsync(ExitLimit, "node", flag, value, "--bootstrap", "127.0.0.1:1");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(message, result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].TrimEnd('\r'));
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }
}
