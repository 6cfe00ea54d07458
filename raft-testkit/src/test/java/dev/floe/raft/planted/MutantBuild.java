package dev.floe.raft.planted;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * raft-core with one planted mistake, built by test code: the mutated copy of one main source
 * file is compiled against {@code target/classes} into a temporary directory, and loaded by a
 * child-first class loader (mutated classes, then {@code target/classes}, then
 * {@code target/test-classes}), so the scenario tests and the simulation run against it while
 * the real build stays untouched.
 */
final class MutantBuild {
    private final Path mainClasses;
    private final List<Path> after;
    private final Path sources;

    /**
     * @param mainClasses raft-core's classes, which the mutated file is compiled against
     * @param after       where the class loader looks after the mutated classes, in order
     * @param sources     raft-core's main sources
     */
    MutantBuild(Path mainClasses, List<Path> after, Path sources) {
        this.mainClasses = mainClasses;
        this.after = List.copyOf(after);
        this.sources = sources;
    }

    /** Compiles {@code mistake} and returns a class loader that sees raft-core with it. */
    ClassLoader build(PlantedMistake mistake, Path workDir) throws IOException {
        Path original = sources.resolve(mistake.file());
        String mutated = mistake.apply(Files.readString(original));
        Path src = workDir.resolve("src").resolve(mistake.file());
        Files.createDirectories(src.getParent());
        Files.writeString(src, mutated);
        Path out = Files.createDirectories(workDir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        String classpath = mainClasses + java.io.File.pathSeparator + System.getProperty("java.class.path");
        boolean ok = javac.getTask(errors, null, null,
                List.of("-d", out.toString(), "-cp", classpath, "-proc:none", "-nowarn", "-Xlint:none"),
                null, javac.getStandardFileManager(null, null, null).getJavaFileObjects(src)).call();
        if (!ok) throw new IllegalStateException(mistake.name() + " does not compile:\n" + errors);
        List<URL> urls = new java.util.ArrayList<>();
        urls.add(url(out));
        for (Path p : after) urls.add(url(p));
        return new ChildFirst(urls.toArray(URL[]::new), MutantBuild.class.getClassLoader());
    }

    private static URL url(Path p) {
        try {
            return p.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads Floe's own classes from its URLs first; everything else (JUnit, AssertJ, SLF4J, the JDK) from the parent. */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("dev.floe.") || name.startsWith("dev.floe.raft.planted.")) return super.loadClass(name, resolve);
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) c = findClass(name);
                if (resolve) resolveClass(c);
                return c;
            }
        }
    }
}
