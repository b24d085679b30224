using Speck.Host.Grpc;
using Speck.Host.Schema;
using Speck.Provider;

// `--emit-schema` is ours (make schema); every other flag is the engine's and is skipped.
var provider = SpeckFactory.Create();
if (args.Contains("--emit-schema"))
{
    await Console.Out.WriteAsync(SchemaGenerator.Generate(provider));
    return 0;
}
return await ProviderServer.ServeAsync(args, provider);
