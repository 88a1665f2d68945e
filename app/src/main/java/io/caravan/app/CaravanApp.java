package io.caravan.app;

import org.apache.camel.main.Main;

/** Starts Caravan: Camel Main with the routes in {@code routes/} and the settings in {@code config/}. */
public final class CaravanApp {

    /** The settings file, relative to the working directory (the repository root). */
    public static final String CONFIG = "file:config/application.properties";

    private CaravanApp() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main(CaravanApp.class);
        main.setPropertyPlaceholderLocations(CONFIG);
        try {
            main.run(args);
        } catch (Exception e) {
            // a failed start may leave non-daemon threads (Kafka) behind: do not linger
            e.printStackTrace();
            System.exit(1);
        }
    }
}
