namespace Speck.Host.Grpc;

/// <summary>The engine's Cancel ends every operation in flight; each call's token is linked to this one.</summary>
public sealed class ProviderLifetime
{
    private readonly CancellationTokenSource _root = new();

    public CancellationToken Link(CancellationToken call) =>
        CancellationTokenSource.CreateLinkedTokenSource(_root.Token, call).Token;

    public void CancelAll() => _root.Cancel();
}
