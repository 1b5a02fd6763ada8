name = "higa-wordpress"
