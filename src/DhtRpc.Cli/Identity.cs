using DhtRpc.Storage.Protocol;
using NSec.Cryptography;

namespace DhtRpc.Cli;

/// <summary>
/// The user's Ed25519 key pair, which signs warehouse items: a PEM (PKCS#8) private key in
/// <c>$DHT_CONFIG_DIR/identity</c>, else <c>$XDG_CONFIG_HOME/dht/identity</c>, else
/// <c>~/.config/dht/identity</c>, made on first use (mode 0600 on Unix), or the file --identity names.
/// </summary>
internal sealed class Identity : IDisposable
{
    private Identity(Key key, string path, bool created)
    {
        Key = key;
        Path = path;
        Created = created;
        PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
    }

    /// <summary>The private key.</summary>
    public Key Key { get; }

    /// <summary>The file it was read from (or written to).</summary>
    public string Path { get; }

    /// <summary>True when this run made the key (the file did not exist).</summary>
    public bool Created { get; }

    /// <summary>The 32-byte public key.</summary>
    public byte[] PublicKey { get; }

    /// <summary>The public key in lowercase hex: how the CLI names an owner.</summary>
    public string PublicKeyHex => Convert.ToHexStringLower(PublicKey);

    /// <summary>Where the identity lives when --identity is not given.</summary>
    public static string DefaultPath()
    {
        if (Environment.GetEnvironmentVariable("DHT_CONFIG_DIR") is { Length: > 0 } configDir)
        {
            return System.IO.Path.Combine(configDir, "identity");
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        var root = xdg is { Length: > 0 } && System.IO.Path.IsPathRooted(xdg)
            ? xdg
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return System.IO.Path.Combine(root, "dht", "identity");
    }

    /// <summary>Reads the identity at <paramref name="path"/> (the default when null), making it when it does not exist.</summary>
    public static Identity LoadOrCreate(string? path)
    {
        var file = System.IO.Path.GetFullPath(path ?? DefaultPath());
        if (!File.Exists(file))
        {
            if (TryCreate(file) is { } made)
            {
                return made;
            }
        }

        byte[] text;
        try
        {
            text = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot read the identity file {file}: {e.Message}");
        }

        try
        {
            return new Identity(Key.Import(SignatureAlgorithm.Ed25519, text, KeyBlobFormat.PkixPrivateKeyText, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None }), file, created: false);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException)
        {
            throw new CliException($"The identity file {file} is not an Ed25519 private key in PEM form; move it away to have a new one made, or name another with --identity.");
        }
    }

    /// <summary>Writes a new key to <paramref name="file"/>; null when another process made the file first.</summary>
    private static Identity? TryCreate(string file)
    {
        var key = SignedEnvelope.CreateKey();
        try
        {
            var directory = System.IO.Path.GetDirectoryName(file)!;
            if (!Directory.Exists(directory))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(directory);
                }
                else
                {
                    Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }

            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(file, options))
            {
                stream.Write(key.Export(KeyBlobFormat.PkixPrivateKeyText));
                stream.Write("\n"u8);
            }

            return new Identity(key, file, created: true);
        }
        catch (IOException) when (File.Exists(file))
        {
            // Made by another process in the meantime: read that one.
            key.Dispose();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            key.Dispose();
            throw new CliException($"Cannot create the identity file {file}: {e.Message}");
        }
    }

    /// <summary>A note for stderr when this run made the key, else null.</summary>
    public string? CreatedNote() => Created ? $"Made a new identity (public key {PublicKeyHex}) in {Path}." : null;

    public void Dispose() => Key.Dispose();
}
