namespace DhtRpc.IntegrationTests.Cli;

/// <summary>
/// `dht` published as a native executable (native AOT), once per test class: what `dotnet publish`
/// gives a user. Code that needs reflection or run-time code generation fails here, not in the field.
/// </summary>
public sealed class NativeDht : IAsyncLifetime
{
    public string Executable { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var output = Path.Combine(Path.GetTempPath(), $"dht-native-{Environment.ProcessId}");
        var publish = await ProcessRunner.RunAsync(
            DhtCli.DotnetHost,
            ["publish", Path.Combine("src", "DhtRpc.Cli", "DhtRpc.Cli.csproj"), "-c", "Release", "-o", output, "-nologo"],
            RepoPaths.Root,
            TimeSpan.FromMinutes(10));
        Assert.True(publish.ExitCode == 0, publish.ToString());
        Executable = Path.Combine(output, "dht");
        Assert.True(File.Exists(Executable), $"no native dht in {output}\n{publish}");
    }

    public ValueTask DisposeAsync()
    {
        var directory = Path.GetDirectoryName(Executable);
        if (!string.IsNullOrEmpty(directory) && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Runs a verb of the native executable to completion.</summary>
    internal Task<ProcessResult> RunAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(Executable, arguments, RepoPaths.Root, TimeSpan.FromSeconds(60), DhtCli.ChildEnvironment());
}
