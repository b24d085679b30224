using System.Text;
using Speck.SdkGen.Schema;

namespace Speck.SdkGen.Nodejs;

/// <summary>
/// sdk/nodejs as `pulumi package gen-sdk --language nodejs` writes it: GeneratePackage, modContext.gen, genIndex,
/// genResourceModule, genConfig, genNPMPackageMetadata and genTypeScriptProjectFile (pkg/codegen/nodejs/gen.go and
/// gen_lazyloads.go, pulumi v3.259.0).
/// </summary>
public static class NodePackage
{
    /// <summary>The tool name the language host passes to the codegen (sdk/nodejs/cmd/pulumi-language-nodejs/main.go).</summary>
    public const string Tool = "pulumi-language-nodejs";

    /// <summary>MinimumValidSDKVersion, MinimumTypescriptVersion, MinimumNodeTypesVersion in nodejs/gen.go.</summary>
    private const string PulumiRange = "^3.142.0", TypeScriptRange = "^4.7.0", NodeTypesRange = "^20";

    public static SortedDictionary<string, byte[]> Generate(PackageDef pkg)
    {
        if (pkg.Config.FirstOrDefault(c => c.Type is not PrimitiveType) is { } v)
            throw new UnsupportedSchemaException($"$.config.variables.{v.Name}", "only string, integer, number and boolean config");
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        void Add(string path, string text) => files.Add(path, Encoding.UTF8.GetBytes(text));

        var utilities = new StringBuilder();
        NodeNames.Header(utilities, []);
        utilities.Append(Templates.Text("utilities.ts").Replace("/*pluginDownloadURL*/", "", StringComparison.Ordinal));
        Add("utilities.ts", utilities.ToString());
        Add("README.md", pkg.Description == "" || pkg.Description.EndsWith('\n') ? pkg.Description : pkg.Description + "\n");

        var resources = pkg.Resources.Prepend(pkg.Provider).ToList();
        foreach (var r in resources) Add(NodeResource.FileName(r), NodeResource.File(pkg, r));

        var children = new List<string>();
        if (pkg.Config.Count > 0)
        {
            children.Add("config");
            Add("config/vars.ts", ConfigVars(pkg));
            var index = new StringBuilder();
            NodeNames.Header(index, []);
            index.Append("// Export members:\nexport * from \"./vars\";\n");
            Add("config/index.ts", index.ToString());
        }
        if (pkg.Objects.Count > 0 || pkg.Enums.Count > 0)
        {
            children.Add("types");
            Add("types/input.ts", NodeTypeFiles.Types(pkg, input: true, Reachable.Objects(pkg, resources.SelectMany(r => r.Inputs))));
            Add("types/output.ts", NodeTypeFiles.Types(pkg, input: false, Reachable.Objects(pkg, resources.SelectMany(r => r.Outputs))));
            Add("types/index.ts", NodeTypeFiles.Index(pkg));
        }
        if (pkg.Enums.Count > 0) Add("types/enums/index.ts", NodeTypeFiles.Enums(pkg));
        Add("index.ts", RootIndex(pkg, resources, children));

        Add("package.json", PackageJson(pkg));
        Add("tsconfig.json", TsConfig(files.Keys.Where(f => f.EndsWith(".ts", StringComparison.Ordinal))));
        Add(".gitignore", "node_modules/\nbin/\n");
        Add(".gitattributes", "* linguist-generated\n");
        return files;
    }

    private static string RootIndex(PackageDef pkg, IReadOnlyList<ResourceDef> resources, List<string> children)
    {
        var w = new StringBuilder();
        NodeNames.Header(w, NodeNames.SdkImports(pkg, ".", nested: false, utilities: true));
        w.Append("// Export members:\n");
        foreach (var r in resources.OrderBy(NodeResource.FileName, StringComparer.Ordinal))
        {
            var name = r.IsProvider ? "Provider" : GoText.TokenName(r.Token);
            var path = "./" + NodeResource.FileName(r)[..^3];
            w.Append($"export {{ {name}Args }} from \"{path}\";\n");
            w.Append($"export type {name} = import(\"{path}\").{name};\n");
            w.Append($"export const {name}: typeof import(\"{path}\").{name} = null as any;\n");
            w.Append($"utilities.lazyLoad(exports, [\"{name}\"], () => require(\"{path}\"));\n");
            w.Append('\n');
        }
        if (pkg.Enums.Count > 0) w.Append("\n// Export enums:\nexport * from \"./types/enums\";\n");
        if (children.Count > 0)
        {
            w.Append('\n');
            NodeTypeFiles.SubModules(w, children);
        }
        // genResourceModule: deserialised resource references become instances of these classes.
        var custom = resources.Where(r => !r.IsProvider).ToList();
        if (custom.Count > 0)
        {
            w.Append("\nconst _module = {\n");
            w.Append("    version: utilities.getVersion(),\n");
            w.Append("    construct: (name: string, type: string, urn: string): pulumi.Resource => {\n");
            w.Append("        switch (type) {\n");
            foreach (var r in custom)
            {
                w.Append($"            case \"{r.Token}\":\n");
                w.Append($"                return new {GoText.TokenName(r.Token)}(name, <any>undefined, {{ urn }})\n");
            }
            w.Append("            default:\n");
            w.Append("                throw new Error(`unknown resource type ${type}`);\n");
            w.Append("        }\n");
            w.Append("    },\n");
            w.Append("};\n");
            w.Append($"pulumi.runtime.registerResourceModule(\"{pkg.Name}\", \"index\", _module)\n");
        }
        w.Append($"pulumi.runtime.registerResourcePackage(\"{pkg.Name}\", {{\n");
        w.Append("    version: utilities.getVersion(),\n");
        w.Append("    constructProvider: (name: string, type: string, urn: string): pulumi.ProviderResource => {\n");
        w.Append($"        if (type !== \"{pkg.Provider.Token}\") {{\n");
        w.Append("            throw new Error(`unknown provider type ${type}`);\n");
        w.Append("        }\n");
        w.Append("        return new Provider(name, <any>undefined, { urn });\n");
        w.Append("    },\n");
        w.Append("});\n");
        return w.ToString();
    }

    /// <summary>config/vars.ts (genConfig): a getter per variable reading the package's config bag.</summary>
    private static string ConfigVars(PackageDef pkg)
    {
        var w = new StringBuilder();
        NodeNames.Header(w, NodeNames.SdkImports(pkg, "..", nested: false, utilities: true));
        w.Append("declare var exports: any;\n");
        w.Append($"const __config = new pulumi.Config(\"{pkg.Name}\");\n");
        w.Append('\n');
        foreach (var p in pkg.Config)
        {
            var type = NodeNames.Output(p.Type);
            var fetch = type == "string" ? $"__config.get(\"{p.Name}\")" : $"__config.getObject<{type}>(\"{p.Name}\")";
            NodeNames.Comment(w, p.Description, "");
            if (p.Default is not null) fetch += " ?? " + GoText.Primitive(p.Default.Value);
            var declared = p.Default is not null ? type : type + " | undefined";
            w.Append($"export declare const {p.Name}: {declared};\n");
            w.Append($"Object.defineProperty(exports, {GoText.Quote(p.Name)}, {{\n");
            w.Append("    get() {\n");
            w.Append($"        return {fetch};\n");
            w.Append("    },\n");
            w.Append("    enumerable: true,\n");
            w.Append("});\n\n");
        }
        return w.ToString();
    }

    /// <summary>package.json as json.MarshalIndent(npmPackage, "", "    ") writes it: struct field order, sorted maps.</summary>
    private static string PackageJson(PackageDef pkg)
    {
        var name = pkg.Node.PackageName != "" ? pkg.Node.PackageName : "@pulumi/" + pkg.Name;
        var version = pkg.Node.RespectSchemaVersion ? pkg.Version : "${VERSION}";
        var j = GoText.JsonString;
        var w = new StringBuilder("{\n");
        w.Append($"    \"name\": {j(name)},\n");
        w.Append($"    \"version\": {j(version)},\n");
        if (pkg.Keywords.Count > 0)
            w.Append("    \"keywords\": [\n").Append(string.Join(",\n", pkg.Keywords.Select(k => "        " + j(k)))).Append("\n    ],\n");
        if (pkg.Homepage != "") w.Append($"    \"homepage\": {j(pkg.Homepage)},\n");
        if (pkg.Repository != "") w.Append($"    \"repository\": {j(pkg.Repository)},\n");
        if (pkg.License != "") w.Append($"    \"license\": {j(pkg.License)},\n");
        w.Append("    \"scripts\": {\n        \"build\": \"tsc\"\n    },\n");
        w.Append($"    \"dependencies\": {{\n        \"@pulumi/pulumi\": {j(PulumiRange)}\n    }},\n");
        w.Append($"    \"devDependencies\": {{\n        \"@types/node\": {j(NodeTypesRange)},\n        \"typescript\": {j(TypeScriptRange)}\n    }},\n");
        w.Append($"    \"pulumi\": {{\n        \"resource\": true,\n        \"name\": {j(pkg.Name)}");
        if (pkg.Node.RespectSchemaVersion) w.Append($",\n        \"version\": {j(pkg.Version)}");
        w.Append("\n    }\n}\n");
        return w.ToString();
    }

    private static string TsConfig(IEnumerable<string> tsFiles)
    {
        var w = new StringBuilder("""
            {
                "compilerOptions": {
                    // Output
                    "outDir": "bin",
                    "declaration": true,
                    "declarationMap": true,
                    "sourceMap": true,
                    "stripInternal": true,
                    // Environment
                    "target": "ES2022",
                    "module": "nodenext",
                    "moduleResolution": "nodenext",
                    "moduleDetection": "force",
                    "types": ["node"],
                    // Type Checking
                    "strict": true,
                    "noFallthroughCasesInSwitch": true,
                    "noImplicitReturns": true,
                    "skipLibCheck": true
                },
                "files": [

            """);
        var sorted = tsFiles.Order(StringComparer.Ordinal).ToList();
        w.Append(string.Join(",\n", sorted.Select(f => $"        \"{f}\""))).Append('\n');
        w.Append("    ]\n}\n");
        return w.ToString();
    }
}
