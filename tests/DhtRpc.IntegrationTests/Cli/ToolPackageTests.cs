using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using DhtRpc.IntegrationTests.Interop;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>
/// `dotnet pack src/DhtRpc.Cli` gives a .NET tool that installs from a local folder and runs, and a package that
/// carries its licence, readme and documentation. Packing builds the Release configuration, as the native
/// publish does, so it runs with the other process tests, alone.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class ToolPackageTests : IDisposable
{
    /// <summary>The version Directory.Build.props gives every project, this one too.</summary>
    private static readonly string Version = typeof(ToolPackageTests).Assembly.GetName().Version!.ToString(3);

    private readonly string _work = Path.Combine(Path.GetTempPath(), $"dht-tool-{Guid.NewGuid():N}");

    private string Packages => Path.Combine(_work, "nupkg");

    private string Tools => Path.Combine(_work, "tools");

    [Fact]
    public async Task The_packed_tool_installs_from_a_local_folder_runs_and_carries_its_licence_readme_and_docs()
    {
        var pack = await Dotnet(TimeSpan.FromMinutes(8), "pack", Path.Combine("src", "DhtRpc.Cli", "DhtRpc.Cli.csproj"), "-c", "Release", "-o", Packages, "-nologo");
        Assert.True(pack.ExitCode == 0, pack.ToString());
        var package = Path.Combine(Packages, $"DhtRpc.Cli.{Version}.nupkg");
        Assert.True(File.Exists(package), $"no {package}\n{pack}");
        Assert.True(File.Exists(Path.ChangeExtension(package, ".snupkg")), $"no symbol package beside {package}");
        CheckContents(package);

        // Only the local folder as a source: the install works offline.
        var config = Path.Combine(_work, "nuget.config");
        await File.WriteAllTextAsync(config, $"""<?xml version="1.0" encoding="utf-8"?><configuration><packageSources><clear /><add key="local" value="{Packages}" /></packageSources></configuration>""", TestContext.Current.CancellationToken);
        var install = await Dotnet(TimeSpan.FromMinutes(3), "tool", "install", "--tool-path", Tools, "--add-source", Packages, "--configfile", config, "--ignore-failed-sources", "DhtRpc.Cli");
        Assert.True(install.ExitCode == 0, install.ToString());

        var help = await Dht("--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("dht: a dht-rpc compatible Kademlia DHT node", help.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("demo", help.StandardOutput, StringComparison.Ordinal);

        var demo = await Dht("demo");
        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Contains(CliStorageTests.SampleHash, demo.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(CliStorageTests.Lines(demo.StandardOutput), l => l.StartsWith("success:", StringComparison.Ordinal));

        // The installed tool runs a node with its HTTP API.
        var dht = Path.Combine(Tools, "dht");
        await using var boot = DhtCliProcess.StartProgram(dht, "bootstrap", "--host", "127.0.0.1", "--port", "0");
        var bootstrap = (await boot.WaitForLineAsync(l => l.StartsWith("bootstrap listening on ", StringComparison.Ordinal), TimeSpan.FromSeconds(60))).Split(' ')[3];
        await using var node = DhtCliProcess.StartProgramInteractive(dht, "node", "--host", "127.0.0.1", "--bootstrap", bootstrap, "--http", "0");
        var http = (await node.WaitForLineAsync(l => l.StartsWith("http http://127.0.0.1:", StringComparison.Ordinal), TimeSpan.FromSeconds(60))).Split(' ')[1];
        await node.WaitForLineAsync(l => l.StartsWith("ready ", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        using (var client = new HttpClient())
        {
            using var health = await client.GetAsync(new Uri(http + "/health"), TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        }

        Assert.Equal(0, await node.SignalAsync("INT", TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await boot.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    /// <summary>The licence, the readme and dht's XML docs are packed; the nuspec names the licence and says what the tool is.</summary>
    private static void CheckContents(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("LICENSE", entries);
        Assert.Contains("README.md", entries);
        Assert.Contains("tools/net10.0/any/dht.xml", entries);
        Assert.Contains("tools/net10.0/any/dht.dll", entries);

        using var nuspec = zip.GetEntry("DhtRpc.Cli.nuspec")!.Open();
        var metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
        Assert.Equal("README.md", Value("readme"));
        Assert.StartsWith("The dht command-line tool", Value("description"), StringComparison.Ordinal);
        Assert.Equal(Version, Value("version"));

        // A framework-dependent tool: it runs on any .NET 10 runtime, not only the packing machine's newest patch.
        using var runtimeConfig = zip.GetEntry("tools/net10.0/any/dht.runtimeconfig.json")!.Open();
        // The CLI hosts the HTTP API, so it names ASP.NET Core's shared framework beside .NET's.
        var options = JsonNode.Parse(runtimeConfig)!["runtimeOptions"]!;
        var frameworks = options["frameworks"]?.AsArray().Select(f => f!) ?? [options["framework"]!];
        Assert.Contains("Microsoft.AspNetCore.App", frameworks.Select(f => (string?)f["name"]));
        Assert.All(frameworks, f => Assert.Equal("10.0.0", (string?)f["version"]));
    }

    private static Task<ProcessResult> Dotnet(TimeSpan timeout, params string[] arguments) =>
        ProcessRunner.RunAsync(DhtCli.DotnetHost, arguments, RepoPaths.Root, timeout);

    /// <summary>Runs the installed `dht`, which finds the runtime the tests run on.</summary>
    private Task<ProcessResult> Dht(params string[] arguments)
    {
        var environment = new Dictionary<string, string?>(DhtCli.ChildEnvironment());
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            environment["DOTNET_ROOT"] = Path.GetDirectoryName(host);
        }

        return ProcessRunner.RunAsync(Path.Combine(Tools, "dht"), arguments, _work, TimeSpan.FromSeconds(120), environment);
    }
}
