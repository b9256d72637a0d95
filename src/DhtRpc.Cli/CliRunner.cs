using System.Runtime.InteropServices;
using DhtRpc.Storage;

namespace DhtRpc.Cli;

/// <summary>
/// Runs a verb: turns known failures into one sentence on stderr and an exit code, wires SIGTERM to
/// cancellation, and holds a client verb to its --timeout (see <see cref="ClientWatch"/>).
/// </summary>
internal static class CliRunner
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;

    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> verb, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // SIGTERM, SIGINT (Ctrl-C) and SIGQUIT all take the same graceful path: the verb sees its token cancelled.
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop);
        var watch = ClientWatch.Begin(stop);
        try
        {
            var code = await verb(stop.Token).ConfigureAwait(false);
            return watch.TimedOut ? await TimedOutAsync(watch).ConfigureAwait(false) : code;
        }
        catch (Exception e) when (watch.TimedOut && e is CliException or StorageException or OperationCanceledException or DhtException)
        {
            // Whatever the cancelled work failed with, the reason is the time limit.
            return await TimedOutAsync(watch).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            return await CliFailure.ReportAsync(e.Message, e.Code, e.ExitCode).ConfigureAwait(false);
        }
        catch (StorageException e)
        {
            return await CliFailure.ReportAsync(Describe(e), CodeOf(e), Failure).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return await CliFailure.ReportAsync("Cancelled.", CliFailure.Cancelled, Failure).ConfigureAwait(false);
        }
        catch (DhtException e)
        {
            return await CliFailure.ReportAsync(Describe(e), e.Code is DhtErrorCode.BindFailed or DhtErrorCode.TransportFailed ? CliFailure.Io : CliFailure.Unreachable, Failure).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return await CliFailure.ReportAsync(e.Message, CliFailure.Io, Failure).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            return await CliFailure.ReportAsync(e.Message, CliFailure.Usage, Usage).ConfigureAwait(false);
        }
        finally
        {
            var hint = watch.Hint();
            watch.Dispose();
            if (hint is not null)
            {
                await Console.Error.WriteLineAsync(hint).ConfigureAwait(false);
            }
        }
    }

    private static Task<int> TimedOutAsync(ClientWatch watch) => CliFailure.ReportAsync(watch.TimedOutMessage, CliFailure.Timeout, Failure);

    private static string CodeOf(StorageException e) => e.Code switch
    {
        StorageErrorCode.Refused => CliFailure.Refused,
        StorageErrorCode.ContentCorrupt or StorageErrorCode.ContentMissing or StorageErrorCode.UnreadableReply => CliFailure.InvalidData,
        _ => CliFailure.Io,
    };

    /// <summary>A storage failure as one sentence, saying what kind it is where the message alone does not.</summary>
    private static string Describe(StorageException e) => e.Code switch
    {
        StorageErrorCode.Refused => $"Refused: {e.Message}",
        StorageErrorCode.ContentCorrupt => $"The data found is corrupt: {e.Message}",
        StorageErrorCode.ContentMissing => $"Part of the value is missing: {e.Message}",
        _ => e.Message,
    };

    /// <summary>A node failure as one sentence.</summary>
    private static string Describe(DhtException e) => e.Code == DhtErrorCode.BindFailed
        ? $"Cannot bind the node's UDP port: {e.Message}"
        : e.Message;

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
