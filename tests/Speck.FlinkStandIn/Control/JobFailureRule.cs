namespace Speck.FlinkStandIn.Control;

/// <summary>
/// Makes matching jobs fail <see cref="After"/> their tasks started running, as a user program that throws would.
/// A job matches when every given criterion matches (null = any): the entry class, and one program argument equal to
/// <see cref="ProgramArg"/>.
/// </summary>
public sealed record JobFailureRule(string? EntryClass, string? ProgramArg, TimeSpan After, string Message = "Injected failure: the user program threw.")
{
    internal bool Matches(string? entryClass, IReadOnlyList<string> args) =>
        (EntryClass is null || EntryClass == entryClass) && (ProgramArg is null || args.Contains(ProgramArg));
}
