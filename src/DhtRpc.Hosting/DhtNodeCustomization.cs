namespace DhtRpc.Hosting;

/// <summary>What code (not configuration) adds to a hosted node: storage on or off, and edits of its <see cref="DhtNodeOptions"/>.</summary>
internal sealed class DhtNodeCustomization
{
    private readonly List<Func<DhtNodeOptions, DhtNodeOptions>> _edits = [];

    public bool StorageEnabled { get; set; }

    /// <summary>Storage options given in code; they replace the bound <see cref="DhtStorageHostOptions"/>.</summary>
    public Storage.StorageOptions? Storage { get; set; }

    public void Add(Func<DhtNodeOptions, DhtNodeOptions> edit) => _edits.Add(edit);

    public DhtNodeOptions Apply(DhtNodeOptions options) => _edits.Aggregate(options, (current, edit) => edit(current));
}
