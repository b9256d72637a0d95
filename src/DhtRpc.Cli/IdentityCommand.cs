using System.CommandLine;

namespace DhtRpc.Cli;

/// <summary>`dht identity`: the public key that signs this user's warehouse items (made on first use).</summary>
internal static class IdentityCommand
{
    public static Command Create()
    {
        var identity = IdentityOption();
        var json = CommonOptions.Json();
        var command = new Command("identity", "Print the public key (hex) that signs your warehouse items; the key pair is made on first use.");
        command.Options.Add(identity);
        command.Options.Add(json);
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            async _ =>
            {
                using var me = Identity.LoadOrCreate(result.GetValue(identity));
                if (me.CreatedNote() is { } note)
                {
                    await Console.Error.WriteLineAsync(note).ConfigureAwait(false);
                }

                if (result.GetValue(json))
                {
                    JsonLine.Print(w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("publicKey", me.PublicKeyHex);
                        w.WriteString("file", me.Path);
                        w.WriteBoolean("created", me.Created);
                        w.WriteEndObject();
                    });
                }
                else
                {
                    Console.WriteLine(me.PublicKeyHex);
                }

                return CliRunner.Ok;
            },
            cancellationToken));
        return command;
    }

    /// <summary>--identity FILE: the key pair to sign with instead of the default one.</summary>
    public static Option<string?> IdentityOption() => new("--identity")
    {
        Description = "The identity (Ed25519 key pair, PEM) to sign with; made if missing (default: $DHT_CONFIG_DIR/identity, else $XDG_CONFIG_HOME/dht/identity, else ~/.config/dht/identity).",
    };
}
