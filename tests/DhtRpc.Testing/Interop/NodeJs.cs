using System.ComponentModel;

namespace DhtRpc.Testing;

/// <summary>
/// Makes sure Node.js is installed and interop/node_modules holds dht-rpc and hyperdht, running `npm ci` once per
/// test run when it is missing, so that a fresh clone needs nothing but `dotnet test`.
/// </summary>
public static class NodeJs
{
    private static readonly TimeSpan NpmCiTimeout = TimeSpan.FromMinutes(3);
    private static readonly Lock Gate = new();
    private static Task? ready;

    public static Task EnsureReadyAsync()
    {
        lock (Gate)
        {
            return ready ??= PrepareAsync();
        }
    }

    private static async Task PrepareAsync()
    {
        ProcessResult version;
        try
        {
            version = await ProcessRunner.RunAsync("node", ["--version"], RepoPaths.Interop, TimeSpan.FromSeconds(30));
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                "The interop tests need Node.js 20 or newer, but `node` is not on PATH. Install Node.js (with npm) and run the tests again.", e);
        }

        if (version.ExitCode != 0)
        {
            throw new InvalidOperationException($"`node --version` failed: {version}");
        }

        if (File.Exists(Path.Combine(RepoPaths.Interop, "node_modules", "dht-rpc", "package.json"))
            && File.Exists(Path.Combine(RepoPaths.Interop, "node_modules", "hyperdht", "package.json")))
        {
            return;
        }

        ProcessResult install;
        try
        {
            install = await ProcessRunner.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], RepoPaths.Interop, NpmCiTimeout);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"interop/node_modules is missing and `npm` is not on PATH to install it. Run `npm ci` in {RepoPaths.Interop}.", e);
        }

        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException($"`npm ci` in {RepoPaths.Interop} failed: {install}");
        }
    }
}
