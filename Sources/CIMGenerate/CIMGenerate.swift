/// Synthetic cities (see CityGenerator).
enum CIMGenerateModule {}
