using System.Runtime.InteropServices;
using DhtRpc.Storage;
using DhtRpc.Storage.Chunking;
using DhtRpc.Storage.Client;
using DhtRpc.Transport;

namespace DhtRpc.Cli;

/// <summary>Runs a verb: turns known failures into one sentence on stderr and an exit code, and wires SIGTERM to cancellation.</summary>
internal static class CliRunner
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;

    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> verb, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        try
        {
            return await verb(stop.Token).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return Usage;
        }
        catch (CliException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return Failure;
        }
        catch (StorageRefusedException e)
        {
            await Console.Error.WriteLineAsync($"Refused: {e.Message}").ConfigureAwait(false);
            return Failure;
        }
        catch (ContentVerificationException e)
        {
            await Console.Error.WriteLineAsync($"The data found is corrupt: {e.Message}").ConfigureAwait(false);
            return Failure;
        }
        catch (ContentNotFoundException e)
        {
            await Console.Error.WriteLineAsync($"Part of the value is missing: {e.Message}").ConfigureAwait(false);
            return Failure;
        }
        catch (StorageException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return Failure;
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return Failure;
        }
        catch (UnauthorizedAccessException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return Failure;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Cancelled.").ConfigureAwait(false);
            return Failure;
        }
        catch (DatagramBindException e)
        {
            await Console.Error.WriteLineAsync($"Cannot bind the node's UDP port: {e.Message}").ConfigureAwait(false);
            return Failure;
        }
        catch (DhtException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return Failure;
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return Usage;
        }
    }

    /// <summary>Waits until Ctrl-C or SIGTERM.</summary>
    public static async Task WaitForShutdownAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutdown was asked for: that is the normal way out.
            return;
        }
    }
}
