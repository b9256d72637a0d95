namespace DhtRpc.Hosting.Tests;

/// <summary>A fresh folder under the temporary directory, deleted with what it holds.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("dht-hosted-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
