namespace DhtRpc.IntegrationTests.Interop;

/// <summary>Tests that spawn Node.js or CLI processes: run alone so they do not compete for the CPU.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InteropCollection
{
    public const string Name = "Processes";
}
