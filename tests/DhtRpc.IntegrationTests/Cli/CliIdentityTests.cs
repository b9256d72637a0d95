namespace DhtRpc.IntegrationTests.Cli;

/// <summary>`dht identity` and the identity file: made once, reused, chosen with --identity, refused when garbled.</summary>
public sealed class CliIdentityTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly string _config = Path.Combine(Path.GetTempPath(), $"dht-identity-test-{Guid.NewGuid():N}");

    [Fact]
    public async Task The_identity_is_made_on_first_use_with_owner_only_access_and_reused_after()
    {
        var first = await DhtCli.RunWithConfigAsync(_config, Limit, "identity");
        var second = await DhtCli.RunWithConfigAsync(_config, Limit, "identity");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        var key = first.StandardOutput.Trim();
        Assert.Matches("^[0-9a-f]{64}$", key);
        Assert.Equal(key, second.StandardOutput.Trim());
        Assert.Contains("Made a new identity", first.StandardError, StringComparison.Ordinal);
        Assert.Equal("", second.StandardError);
        var file = Path.Combine(_config, "identity");
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task Identity_names_another_key_file_and_json_gives_the_key_and_the_file()
    {
        var other = Path.Combine(_config, "other.pem");
        var usual = await DhtCli.RunWithConfigAsync(_config, Limit, "identity");
        var chosen = await DhtCli.RunWithConfigAsync(_config, Limit, "identity", "--identity", other, "--json");

        Assert.True(chosen.ExitCode == 0, chosen.ToString());
        var json = System.Text.Json.Nodes.JsonNode.Parse(CliStorageTests.Lines(chosen.StandardOutput)[^1])!;
        Assert.Equal(other, (string?)json["file"]);
        Assert.True((bool)json["created"]!);
        Assert.NotEqual(usual.StandardOutput.Trim(), (string?)json["publicKey"]);
        Assert.True(File.Exists(other));
    }

    [Fact]
    public async Task The_xdg_config_directory_is_used_when_no_dht_config_directory_is_set()
    {
        var environment = new Dictionary<string, string?> { ["DHT_CONFIG_DIR"] = "", ["XDG_CONFIG_HOME"] = _config };
        var made = await ProcessRunner.RunAsync(DhtCli.DotnetHost, [DhtCli.DllPath, "identity"], RepoPaths.Root, Limit, environment);

        Assert.True(made.ExitCode == 0, made.ToString());
        Assert.True(File.Exists(Path.Combine(_config, "dht", "identity")), made.ToString());
    }

    [Fact]
    public async Task A_garbled_identity_file_is_one_sentence_and_a_failure_for_every_verb_that_signs()
    {
        Directory.CreateDirectory(_config);
        await File.WriteAllTextAsync(Path.Combine(_config, "identity"), "not a key at all\n");

        var identity = await DhtCli.RunWithConfigAsync(_config, Limit, "identity");
        var store = await DhtCli.RunWithConfigAsync(_config, Limit, "warehouse", "store", "k", "v", "--bootstrap", "127.0.0.1:1");
        var delete = await DhtCli.RunWithConfigAsync(_config, Limit, "warehouse", "delete", "k", "--bootstrap", "127.0.0.1:1");

        foreach (var run in new[] { identity, store, delete })
        {
            Assert.True(run.ExitCode == 1, run.ToString());
            var line = Assert.Single(CliStorageTests.Lines(run.StandardError));
            Assert.Contains("is not an Ed25519 private key", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Identity_cannot_go_with_unsigned()
    {
        var run = await DhtCli.RunWithConfigAsync(_config, Limit, "warehouse", "store", "k", "v", "--unsigned", "--identity", "x.pem", "--bootstrap", "127.0.0.1:1");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("cannot go with --unsigned", run.StandardError, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_config))
        {
            Directory.Delete(_config, recursive: true);
        }
    }
}
