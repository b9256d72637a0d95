namespace DhtRpc.Cli;

/// <summary>
/// The command ran but could not do its job (not found, unreachable, refused): one sentence on stderr
/// and <see cref="ExitCode"/> (1).
/// </summary>
internal class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A failure of a known kind (one of <see cref="CliFailure"/>'s codes).</summary>
    public CliException(string message, string code)
        : base(message)
    {
        Code = code;
    }

    /// <summary>The process's exit code for this failure.</summary>
    public virtual int ExitCode => CliRunner.Failure;

    /// <summary>The kind of failure, as --json reports it.</summary>
    public virtual string Code { get; } = CliFailure.Failed;
}

/// <summary>A mistake in how the command was called; printed as one sentence, exit code 2.</summary>
internal sealed class UsageException : CliException
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public override int ExitCode => CliRunner.Usage;

    public override string Code => CliFailure.Usage;
}
