namespace DhtRpc.Metrics;

/// <summary>
/// The values of the <see cref="DhtMetrics.CommandTag"/> tag, by slot: built-in commands by name, user
/// commands 0–255 by number, the rest folded into one value each, so a sender cannot grow the number of
/// series. The strings are made once: tagging a measurement allocates nothing.
/// </summary>
internal static class CommandTags
{
    /// <summary>User commands below this number get a tag value of their own.</summary>
    public const int NumberedUserCommands = 256;

    private static readonly string[] BuiltInNames = ["ping", "ping_nat", "find_node", "down_hint", "delayed_ping"];

    private static readonly string[] Values = CreateValues();

    /// <summary>How many slots there are (every command maps to one).</summary>
    public static int SlotCount => Values.Length;

    private static int OtherInternalSlot => BuiltInNames.Length;

    private static int FirstUserSlot => BuiltInNames.Length + 1;

    /// <summary>The slot of a command.</summary>
    public static int SlotOf(bool isInternal, ulong command) => isInternal
        ? (command < (ulong)BuiltInNames.Length ? (int)command : OtherInternalSlot)
        : (command < NumberedUserCommands ? FirstUserSlot + (int)command : Values.Length - 1);

    /// <summary>The tag value of a slot.</summary>
    public static string ValueOf(int slot) => Values[slot];

    /// <summary>The tag value of a command.</summary>
    public static string ValueOf(bool isInternal, ulong command) => Values[SlotOf(isInternal, command)];

    private static string[] CreateValues()
    {
        var values = new List<string>(BuiltInNames) { "other_internal" };
        for (var i = 0; i < NumberedUserCommands; i++)
        {
            values.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        values.Add("other");
        return [.. values];
    }
}
