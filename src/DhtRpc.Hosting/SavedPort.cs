using System.Globalization;

namespace DhtRpc.Hosting;

/// <summary>
/// The UDP port a node with a data directory used last time, kept in DIR/port, so a restarted node
/// comes back on the same address: its id (the hash of its address) and what it holds stay together.
/// </summary>
internal static class SavedPort
{
    public const string FileName = "port";

    /// <summary>The port saved in <paramref name="dataDirectory"/>, or 0 when none is (or it is unreadable).</summary>
    public static int Load(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : 0;
    }

    /// <summary>Remembers <paramref name="port"/> in <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="IOException">The file could not be written.</exception>
    public static void Save(string dataDirectory, int port)
    {
        Directory.CreateDirectory(dataDirectory);
        File.WriteAllText(Path.Combine(dataDirectory, FileName), port.ToString(CultureInfo.InvariantCulture) + "\n");
    }
}
